"""Emails to members about their workspace's mandatory policy."""

import zoneinfo

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kommo2fa.mail import send_email
from security.mail import site_url


def workspace_zone(workspace):
    try:
        return zoneinfo.ZoneInfo(workspace.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def send_member_email(*, user, workspace, event, base_url=None, **context):
    """Render `workspace/email/<event>_{subject,body}.txt` and queue it.

    Dates render in the workspace's time zone, as the notice shows them.
    Links start with `base_url`, the site the change was made on, when known.
    """
    context = {
        "user": user,
        "workspace": workspace,
        "security_url": (base_url or site_url()) + reverse("security:show_security"),
        **context,
    }
    with timezone.override(workspace_zone(workspace)):
        subject = render_to_string(f"workspace/email/{event}_subject.txt", context)
        body = render_to_string(f"workspace/email/{event}_body.txt", context)
    send_email(to=user.email, subject=subject, body=body, user_id=user.pk)
