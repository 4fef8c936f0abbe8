"""Reads for the workspace pages, each a fixed number of queries."""

from datetime import datetime, timedelta
from typing import NamedTuple

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, Q
from django.utils import timezone

from security.models import TwoStep
from workspace.compliance import Status, earliest_deadline, two_step_status
from workspace.conf import workspace_settings
from workspace.models import Membership

CURRENT_WORKSPACE = "workspace.current"


def membership_in(*, user, workspace_id):
    """The user's membership in the workspace, or None if not a member."""
    return (
        Membership.objects.select_related("workspace", "user")
        .filter(user=user, workspace_id=workspace_id)
        .first()
    )


def memberships_of(user) -> list[Membership]:
    """The user's memberships, each saying whether the user's 2FA is on."""
    two_step_on = TwoStep.objects.filter(user=user, enabled_at__isnull=False)
    return list(
        Membership.objects.filter(user=user)
        .select_related("workspace")
        .annotate(two_step_on=Exists(two_step_on))
        .order_by("workspace__name", "workspace_id")
    )


def memberships_for_request(request) -> list[Membership]:
    """`memberships_of` the signed-in user, read once per request.

    The security middleware and the page's context both need them.
    """
    if not hasattr(request, "_memberships"):
        request._memberships = memberships_of(request.user)
    return request._memberships


def pick_current(memberships, session):
    """The membership of the workspace chosen in `session`, else the first."""
    chosen = session.get(CURRENT_WORKSPACE)
    for membership in memberships:
        if membership.workspace_id == chosen:
            return membership
    return memberships[0] if memberships else None


def _status_conditions(workspace, now) -> dict:
    """A filter per status, for one workspace at `now`.

    A member is overdue when (later of policy on, joining) + period <= now,
    that is when both moments are at or before now - period.
    """
    enabled = Q(user__two_step__enabled_at__isnull=False)
    not_enabled = Q(user__two_step__enabled_at__isnull=True)
    since = workspace.two_step_required_since
    if since is None:
        nothing = Q(pk__isnull=True)
        return {
            Status.ACTIVE: enabled,
            Status.NOT_ENABLED: not_enabled,
            Status.REQUIRED: nothing,
            Status.OVERDUE: nothing,
        }
    cutoff = now - timedelta(days=workspace.compliance_period_days or 0)
    if since <= cutoff:
        overdue = not_enabled & Q(joined_at__lte=cutoff)
        required = not_enabled & Q(joined_at__gt=cutoff)
    else:
        overdue = Q(pk__isnull=True)
        required = not_enabled
    return {
        Status.ACTIVE: enabled,
        Status.NOT_ENABLED: Q(pk__isnull=True),
        Status.REQUIRED: required,
        Status.OVERDUE: overdue,
    }


def status_counts(*, workspace, now=None) -> dict:
    """How many members are in each status, in all, and admins: one query."""
    conditions = _status_conditions(workspace, now or timezone.now())
    counts = Membership.objects.filter(workspace=workspace).aggregate(
        all=Count("pk"),
        admins=Count("pk", filter=Q(role=Membership.Role.ADMIN)),
        **{
            status.value: Count("pk", filter=condition)
            for status, condition in conditions.items()
        },
    )
    return counts


def members(*, workspace, status=None, search="", now=None):
    """The members, filtered, with what their rows show; not yet run."""
    rows = (
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .annotate(two_step_since=F("user__two_step__enabled_at"))
        .order_by("user__name", "user__email", "pk")
    )
    if status:
        rows = rows.filter(_status_conditions(workspace, now or timezone.now())[status])
    search = (search or "").strip()
    if search:
        rows = rows.filter(
            Q(user__name__icontains=search) | Q(user__email__icontains=search)
        )
    return rows


def with_status(member, *, workspace, now):
    member.two_step_status, member.two_step_moment = two_step_status(
        workspace=workspace,
        joined_at=member.joined_at,
        enabled_at=member.two_step_since,
        now=now,
    )
    return member


def members_page(*, workspace, status=None, search="", page=1, now=None):
    """One page of members with their status, and the counts at the top."""
    now = now or timezone.now()
    paginator = Paginator(
        members(workspace=workspace, status=status, search=search, now=now),
        workspace_settings().MEMBERS_PER_PAGE,
    )
    page_obj = paginator.get_page(page)
    rows = [with_status(m, workspace=workspace, now=now) for m in page_obj]
    counts = status_counts(workspace=workspace, now=now)
    shown = (
        [Status.ACTIVE, Status.REQUIRED, Status.OVERDUE]
        if workspace.two_step_required
        else [Status.ACTIVE, Status.NOT_ENABLED]
    )
    return {
        "page": page_obj,
        "rows": rows,
        "counts": counts,
        "status_counts": [(status, counts[status.value]) for status in shown],
    }


class ExportRow(NamedTuple):
    name: str
    email: str
    role: str
    joined_at: datetime
    last_login: datetime | None
    status: Status
    moment: datetime | None


def member_export(*, workspace, status=None, search="", now=None):
    """Every filtered member with their status, read in chunks as tuples."""
    now = now or timezone.now()
    roles = dict(Membership.Role.choices)
    rows = members(
        workspace=workspace, status=status, search=search, now=now
    ).values_list(
        "user__name",
        "user__email",
        "role",
        "joined_at",
        "user__last_login",
        "two_step_since",
    )
    for name, email, role, joined_at, last_login, since in rows.iterator(
        chunk_size=2000
    ):
        two_step, moment = two_step_status(
            workspace=workspace, joined_at=joined_at, enabled_at=since, now=now
        )
        yield ExportRow(
            name, email, roles[role], joined_at, last_login, two_step, moment
        )


def two_step_notice(*, user, memberships, now=None):
    """What the notice on every page says, or None when there is nothing due.

    Shown to a user without two-step verification whose earliest deadline
    has not passed yet; after it, the set-up page takes over. `memberships`
    come from `memberships_of`.
    """
    required = [m for m in memberships if m.workspace.two_step_required]
    if not required:
        return None
    deadline, membership = earliest_deadline(user, memberships=required)
    if deadline is None or deadline <= (now or timezone.now()):
        return None
    if membership.two_step_on:
        return None
    return {
        "workspace": membership.workspace.name,
        "deadline": deadline,
        "time_zone": membership.workspace.time_zone,
    }
