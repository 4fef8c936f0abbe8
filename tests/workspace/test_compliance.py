from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

import pytest
from freezegun import freeze_time

from tests.factories import (
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
    enable_two_step_unchecked,
)
from tests.workspace.conftest import signed_in
from workspace.compliance import (
    Status,
    deadline_expression,
    deadline_of,
    earliest_deadline,
    mandatory_workspace_names,
    setup_overdue,
    two_step_status,
)
from workspace.models import Membership

# 09:00 UTC on 2 March is 23:00 the same day in Kiritimati (UTC+14) and
# 22:00 the day before in Pago Pago (UTC-11): far from UTC either way.
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)
SET_UP = "/settings/security/set-up/"


def _policy_workspace(*, since=T0, days=3, time_zone="Pacific/Kiritimati", **kw):
    return WorkspaceFactory(
        time_zone=time_zone,
        two_step_required_since=since,
        compliance_period_days=days,
        **kw,
    )


def test_deadline_of_member_before_policy_counts_from_policy(transactional_db):
    workspace = _policy_workspace(days=3)
    membership = MembershipFactory(workspace=workspace, joined_at=T0 - 30 * DAY)

    assert deadline_of(membership) == T0 + 3 * DAY


def test_deadline_of_late_joiner_counts_from_joining(transactional_db):
    workspace = _policy_workspace(days=3)
    membership = MembershipFactory(workspace=workspace, joined_at=T0 + 5 * DAY)

    assert deadline_of(membership) == T0 + 8 * DAY


def test_deadline_of_policy_off_is_none(transactional_db):
    membership = MembershipFactory(workspace=WorkspaceFactory())

    assert deadline_of(membership) is None


@pytest.mark.parametrize("time_zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_setup_overdue_one_second_before_deadline_is_false(transactional_db, time_zone):
    user = UserFactory()
    MembershipFactory(
        workspace=_policy_workspace(time_zone=time_zone), user=user, joined_at=T0
    )

    assert setup_overdue(user, now=T0 + 3 * DAY - SECOND) is False


@pytest.mark.parametrize("time_zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_setup_overdue_at_and_after_deadline_is_true(transactional_db, time_zone):
    user = UserFactory()
    MembershipFactory(
        workspace=_policy_workspace(time_zone=time_zone), user=user, joined_at=T0
    )

    assert setup_overdue(user, now=T0 + 3 * DAY) is True
    assert setup_overdue(user, now=T0 + 3 * DAY + SECOND) is True


def test_earliest_deadline_several_workspaces_follows_strictest(transactional_db):
    user = UserFactory()
    lax = _policy_workspace(days=10, name="Lax")
    strict = _policy_workspace(since=T0 + DAY, days=2, name="Strict")
    MembershipFactory(workspace=lax, user=user, joined_at=T0 - DAY)
    MembershipFactory(workspace=strict, user=user, joined_at=T0 - DAY)
    MembershipFactory(workspace=WorkspaceFactory(name="Optional"), user=user)

    deadline, membership = earliest_deadline(user)

    assert deadline == T0 + 3 * DAY
    assert membership.workspace == strict
    assert mandatory_workspace_names(user) == ["Lax", "Strict"]


def test_setup_overdue_several_workspaces_uses_earliest_deadline(transactional_db):
    user = UserFactory()
    MembershipFactory(workspace=_policy_workspace(days=10), user=user, joined_at=T0)
    MembershipFactory(workspace=_policy_workspace(days=1), user=user, joined_at=T0)

    assert setup_overdue(user, now=T0 + DAY - SECOND) is False
    assert setup_overdue(user, now=T0 + DAY + SECOND) is True


def test_deadline_expression_matches_deadline_of(transactional_db):
    workspace = _policy_workspace(days=7)
    early = MembershipFactory(workspace=workspace, joined_at=T0 - 2 * DAY)
    late = MembershipFactory(workspace=workspace, joined_at=T0 + DAY + SECOND)

    deadlines = dict(
        Membership.objects.annotate(deadline=deadline_expression()).values_list(
            "pk", "deadline"
        )
    )

    assert deadlines[early.pk] == deadline_of(early) == T0 + 7 * DAY
    assert deadlines[late.pk] == deadline_of(late) == T0 + 8 * DAY + SECOND


def test_deadline_expression_filters_at_the_boundary(transactional_db):
    workspace = _policy_workspace(days=2)
    MembershipFactory(workspace=workspace, joined_at=T0)
    deadline = T0 + 2 * DAY
    rows = Membership.objects.annotate(deadline=deadline_expression())

    assert rows.filter(deadline__gt=deadline - SECOND).count() == 1
    assert rows.filter(deadline__gt=deadline).count() == 0
    assert rows.filter(deadline__lte=F("joined_at") + 2 * DAY).count() == 1


@pytest.mark.parametrize(
    ("enabled_at", "now", "expected"),
    [
        (T0 - DAY, T0 + 9 * DAY, Status.ACTIVE),
        (None, T0 + 3 * DAY - SECOND, Status.REQUIRED),
        (None, T0 + 3 * DAY, Status.OVERDUE),
    ],
)
def test_two_step_status_under_policy_follows_deadline(
    transactional_db, enabled_at, now, expected
):
    workspace = _policy_workspace(days=3)

    status, _ = two_step_status(
        workspace=workspace, joined_at=T0, enabled_at=enabled_at, now=now
    )

    assert status is expected


def test_two_step_status_policy_off_is_not_enabled(transactional_db):
    status, moment = two_step_status(
        workspace=WorkspaceFactory(), joined_at=T0, enabled_at=None, now=T0
    )

    assert (status, moment) == (Status.NOT_ENABLED, None)


# Forced set-up on the web, decided by the middleware on every request.


def test_live_session_past_deadline_next_request_goes_to_set_up(transactional_db):
    user = UserFactory()
    workspace = _policy_workspace(days=1)
    MembershipFactory(workspace=workspace, user=user, joined_at=T0)
    with freeze_time(T0 + DAY - SECOND):
        client = signed_in(user)
        assert client.get("/").status_code == 200

    with freeze_time(T0 + DAY + SECOND):
        response = client.get("/settings/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith(SET_UP)


def test_overdue_member_nothing_opens_but_set_up_and_sign_out(transactional_db):
    user = UserFactory()
    workspace = _policy_workspace(days=1)
    MembershipFactory(
        workspace=workspace, user=user, joined_at=T0, role=Membership.Role.ADMIN
    )

    with freeze_time(T0 + DAY + SECOND):
        client = signed_in(user)
        closed = [
            "/",
            "/settings/profile/",
            "/settings/security/",
            f"/workspaces/{workspace.pk}/members/",
            f"/workspaces/{workspace.pk}/settings/",
        ]
        statuses = {path: client.get(path) for path in closed}
        set_up = client.get(SET_UP)
        sign_out = client.post("/sign-out/")

    assert all(r.status_code == 302 for r in statuses.values())
    assert all(r["Location"].startswith(SET_UP) for r in statuses.values())
    assert set_up.status_code == 200
    assert sign_out.status_code == 302
    assert "_auth_user_id" not in client.session


def test_overdue_member_sign_in_goes_to_set_up(transactional_db, client, sign_in):
    user = UserFactory()
    MembershipFactory(workspace=_policy_workspace(days=1), user=user, joined_at=T0)

    with freeze_time(T0 + 2 * DAY):
        sign_in(user)
        response = client.get("/")

    assert response["Location"].startswith(SET_UP)


def test_overdue_member_with_two_step_on_is_not_held(transactional_db):
    user = UserFactory()
    MembershipFactory(workspace=_policy_workspace(days=1), user=user, joined_at=T0)
    enable_two_step_unchecked(user)

    with freeze_time(T0 + 5 * DAY):
        response = signed_in(user).get("/")

    assert response.status_code == 200


def test_policy_turned_off_overdue_member_is_free_again(transactional_db):
    user = UserFactory()
    workspace = _policy_workspace(days=1)
    MembershipFactory(workspace=workspace, user=user, joined_at=T0)
    workspace.two_step_required_since = None
    workspace.save()

    with freeze_time(T0 + 5 * DAY):
        response = signed_in(user).get("/")

    assert response.status_code == 200


def test_set_up_then_everything_opens_again(transactional_db, mailoutbox):
    from tests.factories import last_emailed_code

    user = UserFactory()
    MembershipFactory(workspace=_policy_workspace(days=1), user=user, joined_at=T0)

    with freeze_time(T0 + 2 * DAY):
        client = signed_in(user)
        client.post(SET_UP, {"send": "1"})
        response = client.post(SET_UP, {"code": last_emailed_code()})
        home = client.get("/")

    assert response.status_code == 200
    assert "backup codes" in response.content.decode()
    assert home.status_code == 200


def test_page_of_a_member_under_the_policy_reads_memberships_once(workspace):
    workspace.two_step_required_since = datetime.now(UTC)
    workspace.compliance_period_days = 3
    workspace.save()
    member = MembershipFactory(workspace=workspace).user
    client = signed_in(member)

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")

    assert b"Two-step verification is required" in response.content
    reads = [q for q in captured if 'FROM "workspace_membership"' in q["sql"]]
    assert len(reads) == 1
