"""Reads and rules of the mandatory policy for a user.

A member's deadline is (the later of: the policy turned on, the member
joined) + the compliance period. A user in several workspaces follows the
earliest deadline among them.
"""

from datetime import timedelta
from enum import StrEnum

from django.db.models import (
    Case,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.utils import timezone

from workspace.models import Membership

MIN_PERIOD_DAYS = 1
MAX_PERIOD_DAYS = 10


class Status(StrEnum):
    """A member's two-step verification, as Users management shows it."""

    ACTIVE = "active"
    NOT_ENABLED = "not_enabled"
    REQUIRED = "required"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Status.ACTIVE: "Active",
    Status.NOT_ENABLED: "Not enabled",
    Status.REQUIRED: "Required",
    Status.OVERDUE: "Overdue",
}


def mandatory_memberships_of_anyone():
    """Memberships in workspaces that make 2FA mandatory, for prefetching."""
    return Membership.objects.filter(
        workspace__two_step_required_since__isnull=False
    ).select_related("workspace")


def mandatory_memberships(user):
    """The user's memberships in workspaces that make 2FA mandatory."""
    return mandatory_memberships_of_anyone().filter(user=user)


def mandatory_workspace_names(user) -> list[str]:
    return sorted(m.workspace.name for m in mandatory_memberships(user))


def deadline_for(*, workspace, joined_at):
    """The deadline of a member who joined at `joined_at`, or None."""
    if workspace.two_step_required_since is None:
        return None
    start = max(workspace.two_step_required_since, joined_at)
    return start + timedelta(days=workspace.compliance_period_days or 0)


def deadline_of(membership):
    """(the later of policy on and joining) + the compliance period."""
    return deadline_for(workspace=membership.workspace, joined_at=membership.joined_at)


def earliest_deadline(user, *, memberships=None):
    """The strictest deadline among the user's workspaces, with its membership.

    `memberships` may be given when the caller already holds them with their
    workspaces, to save the query.
    """
    if memberships is None:
        memberships = mandatory_memberships(user)
    deadlines = [(deadline_of(m), m) for m in memberships]
    deadlines = [item for item in deadlines if item[0] is not None]
    if not deadlines:
        return None, None
    return min(deadlines, key=lambda item: item[0])


def deadline_expression():
    """The per-membership deadline as a database expression.

    The period is spelled out per whole day because SQLite cannot multiply
    an interval by a column; periods are validated to 1-10 days.
    """
    period = Case(
        *(
            When(workspace__compliance_period_days=days, then=Value(timedelta(days)))
            for days in range(MIN_PERIOD_DAYS, MAX_PERIOD_DAYS + 1)
        ),
        default=Value(timedelta(0)),
        output_field=DurationField(),
    )
    return ExpressionWrapper(
        Greatest("workspace__two_step_required_since", "joined_at") + period,
        output_field=DateTimeField(),
    )


def setup_overdue(user, *, now=None, memberships=None) -> bool:
    """Whether the user's earliest deadline has passed (2FA not considered).

    `memberships` may be all of the user's, with their workspaces, when the
    caller already holds them.
    """
    if memberships is not None:
        memberships = [m for m in memberships if m.workspace.two_step_required]
    deadline, _ = earliest_deadline(user, memberships=memberships)
    return deadline is not None and deadline <= (now or timezone.now())


def two_step_status(*, workspace, joined_at, enabled_at, now=None):
    """(status, moment) of one member: since when Active, or the deadline."""
    if enabled_at is not None:
        return Status.ACTIVE, enabled_at
    deadline = deadline_for(workspace=workspace, joined_at=joined_at)
    if deadline is None:
        return Status.NOT_ENABLED, None
    if deadline <= (now or timezone.now()):
        return Status.OVERDUE, deadline
    return Status.REQUIRED, deadline
