"""Security emails: what happened, when, from where, and what to do."""

import zoneinfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kommo2fa.mail import send_email
from kommo2fa.request_info import client_ip, describe_browser, user_agent


def _zone_of(user):
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def site_url(request=None) -> str:
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.SITE_URL.rstrip("/")


def send_security_email(*, user, event, request=None, to=None, **context):
    """Render `security/email/<event>_{subject,body}.txt` and queue it."""
    zone = _zone_of(user)
    when = timezone.localtime(timezone.now(), zone)
    base = site_url(request)
    context = {
        "user": user,
        "when": when,
        "ip": client_ip(request) or "unknown",
        "browser": describe_browser(user_agent(request)) if request else "unknown",
        "security_url": base + reverse("security:show_security"),
        "reset_url": base + reverse("accounts:reset_password"),
        **context,
    }
    # Templates show datetimes in the active time zone, which is the
    # requester's or UTC, not necessarily the recipient's.
    with timezone.override(zone):
        subject = render_to_string(f"security/email/{event}_subject.txt", context)
        body = render_to_string(f"security/email/{event}_body.txt", context)
    send_email(to=to or user.email, subject=subject, body=body, user_id=user.pk)


def mask_email(email: str) -> str:
    """`jane.doe@example.com` → `j•••e@example.com`, enough to recognise."""
    local, _, domain = email.partition("@")
    if len(local) <= 2:
        shown = local[:1] + "•••"
    else:
        shown = local[0] + "•••" + local[-1]
    return f"{shown}@{domain}"
