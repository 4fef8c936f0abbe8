"""Reminders before a mandatory deadline, sent once each.

Each reminder is claimed by inserting a `TwoStepReminder` row whose unique
constraint admits one per user, deadline and day. Two runs at once both try
the insert; the database lets exactly one through, and only that one sends.
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from workspace.compliance import deadline_for
from workspace.conf import workspace_settings
from workspace.mail import send_member_email
from workspace.models import Membership, TwoStepReminder

logger = logging.getLogger(__name__)


def _earliest_deadlines():
    """{user id: (deadline, membership)} for users without 2FA under a policy."""
    memberships = (
        Membership.objects.filter(
            workspace__two_step_required_since__isnull=False,
            user__two_step__enabled_at__isnull=True,
        )
        .select_related("workspace", "user")
        .order_by("pk")
    )
    earliest = {}
    for membership in memberships.iterator(chunk_size=2000):
        deadline = deadline_for(
            workspace=membership.workspace, joined_at=membership.joined_at
        )
        known = earliest.get(membership.user_id)
        if known is None or deadline < known[0]:
            earliest[membership.user_id] = (deadline, membership)
    return earliest


def reminder_due(*, deadline, now) -> int | None:
    """The nearest reminder day whose moment has come, or None."""
    if deadline <= now:
        return None
    due = [
        days
        for days in workspace_settings().REMINDER_DAYS
        if deadline - timedelta(days=days) <= now
    ]
    return min(due) if due else None


def send_two_step_reminders(*, now=None) -> int:
    """Send every reminder due now that was not sent before; returns how many."""
    now = now or timezone.now()
    sent = 0
    for user_id, (deadline, membership) in _earliest_deadlines().items():
        days = reminder_due(deadline=deadline, now=now)
        if days is None:
            continue
        try:
            with transaction.atomic():
                TwoStepReminder.objects.create(
                    user_id=user_id,
                    workspace=membership.workspace,
                    deadline=deadline,
                    days_before=days,
                    sent_at=now,
                )
                send_member_email(
                    user=membership.user,
                    workspace=membership.workspace,
                    event="two_step_reminder",
                    deadline=deadline,
                    days_before=days,
                )
        except IntegrityError:
            continue
        sent += 1
    logger.info("Sent %s two-step verification reminders", sent)
    return sent
