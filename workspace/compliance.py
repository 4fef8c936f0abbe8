"""Reads and rules of the mandatory policy for a user."""

from datetime import timedelta

from django.db.models import DateTimeField, ExpressionWrapper, F
from django.db.models.functions import Greatest
from django.utils import timezone

from workspace.models import Membership


def mandatory_memberships(user):
    """The user's memberships in workspaces that make 2FA mandatory."""
    return Membership.objects.filter(
        user=user, workspace__two_step_required_since__isnull=False
    ).select_related("workspace")


def mandatory_workspace_names(user) -> list[str]:
    return sorted(m.workspace.name for m in mandatory_memberships(user))


def deadline_of(membership):
    """(the later of policy on and joining) + the compliance period."""
    workspace = membership.workspace
    if workspace.two_step_required_since is None:
        return None
    start = max(workspace.two_step_required_since, membership.joined_at)
    return start + timedelta(days=workspace.compliance_period_days or 0)


def earliest_deadline(user):
    """The strictest deadline among the user's workspaces, with its membership."""
    deadlines = [(deadline_of(m), m) for m in mandatory_memberships(user)]
    deadlines = [item for item in deadlines if item[0] is not None]
    if not deadlines:
        return None, None
    return min(deadlines, key=lambda item: item[0])


def deadline_expression():
    """The per-membership deadline as a database expression."""
    return ExpressionWrapper(
        Greatest("workspace__two_step_required_since", "joined_at")
        + timedelta(days=1) * F("workspace__compliance_period_days"),
        output_field=DateTimeField(),
    )


def setup_overdue(user, *, now=None) -> bool:
    deadline, _ = earliest_deadline(user)
    return deadline is not None and deadline <= (now or timezone.now())
