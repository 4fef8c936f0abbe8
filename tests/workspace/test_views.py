import csv
import io
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from freezegun import freeze_time

from security.models import TwoStep
from tests.factories import (
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
    enable_two_step_unchecked,
)
from tests.workspace.conftest import signed_in
from workspace.models import Membership

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
# Session, user, session row and 2FA state (middleware); the membership;
# counts, page count and page rows; the nav's memberships.
MEMBERS_PAGE_QUERIES = 9
# The same middleware and membership reads, then one query for every row.
EXPORT_QUERIES = 6


def _members_url(workspace, query=""):
    return f"/workspaces/{workspace.pk}/members/{query}"


def _export_url(workspace, query=""):
    return f"/workspaces/{workspace.pk}/members/export/{query}"


def _csv_rows(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def mixed(workspace, admin):
    """Under a 3-day policy from T0: one of each status, plus the admin."""
    workspace.two_step_required_since = T0
    workspace.compliance_period_days = 3
    workspace.save()
    Membership.objects.filter(user=admin).update(joined_at=T0 - 10 * DAY)
    TwoStep.objects.filter(user=admin).update(enabled_at=T0 - 20 * DAY)
    people = {
        "active": UserFactory(name="Alice Active", email="alice@example.com"),
        "overdue": UserFactory(name="Olga Overdue", email="olga@example.com"),
        "required": UserFactory(name="Rita Required", email="rita@example.com"),
    }
    enable_two_step_unchecked(people["active"])
    TwoStep.objects.filter(user=people["active"]).update(enabled_at=T0 - DAY)
    MembershipFactory(workspace=workspace, user=people["active"], joined_at=T0 - DAY)
    MembershipFactory(workspace=workspace, user=people["overdue"], joined_at=T0 - DAY)
    MembershipFactory(
        workspace=workspace, user=people["required"], joined_at=T0 + 2 * DAY
    )
    return people


def test_list_members_shows_every_status_and_counts(admin_client, mixed, workspace):
    with freeze_time(T0 + 4 * DAY):
        response = admin_client.get(_members_url(workspace))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["counts"] == {
        "all": 4,
        "admins": 1,
        "active": 2,
        "not_enabled": 0,
        "required": 1,
        "overdue": 1,
    }
    statuses = {
        row.user.email: row.two_step_status.value for row in response.context["rows"]
    }
    assert statuses == {
        "ada@example.com": "active",
        "alice@example.com": "active",
        "olga@example.com": "overdue",
        "rita@example.com": "required",
    }
    # Rita joined at T0 + 2 days: due at T0 + 5 days, 14:00 on 7 March in
    # Kiritimati.
    assert "Required by 7 Mar 2026, 23:00" in page


def test_list_members_required_turns_overdue_one_second_after_deadline(
    admin_client, mixed, workspace
):
    deadline = T0 + 5 * DAY

    with freeze_time(deadline - SECOND):
        before = admin_client.get(_members_url(workspace, "?status=required"))
    with freeze_time(deadline):
        at = admin_client.get(_members_url(workspace, "?status=overdue"))

    assert [r.user.name for r in before.context["rows"]] == ["Rita Required"]
    assert [r.user.name for r in at.context["rows"]] == [
        "Olga Overdue",
        "Rita Required",
    ]


def test_list_members_policy_off_shows_not_enabled(admin_client, workspace, member):
    response = admin_client.get(_members_url(workspace))

    counts = response.context["counts"]
    assert (counts["active"], counts["not_enabled"]) == (1, 1)
    assert "Not enabled" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("?status=overdue", ["Olga Overdue"]),
        ("?status=active", ["Ada Admin", "Alice Active"]),
        ("?q=RITA", ["Rita Required"]),
        ("?q=example.com&status=required", ["Rita Required"]),
        ("?q=nobody", []),
        (
            "?status=bogus",
            ["Ada Admin", "Alice Active", "Olga Overdue", "Rita Required"],
        ),
    ],
)
def test_list_members_filter_and_search_narrow_rows(
    admin_client, mixed, workspace, query, names
):
    with freeze_time(T0 + 4 * DAY):
        response = admin_client.get(_members_url(workspace, query))

    assert [row.user.name for row in response.context["rows"]] == names


def test_list_members_pages_of_fifty(admin_client, workspace):
    MembershipFactory.create_batch(55, workspace=workspace)

    first = admin_client.get(_members_url(workspace))
    second = admin_client.get(_members_url(workspace, "?page=2"))

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 6
    assert "Page 2 of 2" in second.content.decode()


def _queries(client, url, *, stream=False):
    client.get(url)  # the first visit saves the current workspace in the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if stream:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("size", [3, 120])
def test_list_members_query_count_is_constant(
    admin_client, workspace, django_assert_max_num_queries, size
):
    workspace.two_step_required_since = T0
    workspace.compliance_period_days = 3
    workspace.save()
    for index, membership in enumerate(
        MembershipFactory.create_batch(size, workspace=workspace)
    ):
        if index % 3 == 0:
            enable_two_step_unchecked(membership.user)

    admin_client.get(_members_url(workspace))
    with django_assert_max_num_queries(MEMBERS_PAGE_QUERIES):
        admin_client.get(_members_url(workspace, "?q=example&page=2"))
    with django_assert_max_num_queries(MEMBERS_PAGE_QUERIES):
        admin_client.get(_members_url(workspace, "?status=required"))


def test_list_members_query_count_same_at_two_sizes(admin_client, workspace):
    MembershipFactory.create_batch(2, workspace=workspace)
    small = _queries(admin_client, _members_url(workspace))
    small_csv = _queries(admin_client, _export_url(workspace), stream=True)

    MembershipFactory.create_batch(150, workspace=workspace)
    large = _queries(admin_client, _members_url(workspace))
    large_csv = _queries(admin_client, _export_url(workspace), stream=True)

    assert small == large
    assert small_csv == large_csv


@pytest.mark.parametrize("size", [3, 120])
def test_export_members_query_count_is_constant(
    admin_client, workspace, django_assert_max_num_queries, size
):
    MembershipFactory.create_batch(size, workspace=workspace)
    admin_client.get(_members_url(workspace))

    with django_assert_max_num_queries(EXPORT_QUERIES):
        response = admin_client.get(_export_url(workspace))
        rows = _csv_rows(response)

    assert len(rows) == size + 1


def test_export_members_streams_filtered_rows_in_workspace_time(
    admin_client, mixed, workspace
):
    with freeze_time(T0 + 4 * DAY):
        response = admin_client.get(_export_url(workspace, "?status=overdue"))
        rows = _csv_rows(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert rows == [
        {
            "Name": "Olga Overdue",
            "Email": "olga@example.com",
            "Role": "Member",
            "Joined (Pacific/Kiritimati)": "2026-03-01 23:00",
            "Last sign-in (Pacific/Kiritimati)": "",
            "Two-step verification": "Overdue",
            "Active since or deadline (Pacific/Kiritimati)": "2026-03-05 23:00",
        }
    ]


def test_export_members_formula_like_names_are_quoted(admin_client, workspace):
    MembershipFactory(workspace=workspace, user=UserFactory(name="=HYPERLINK(1)"))

    rows = _csv_rows(admin_client.get(_export_url(workspace, "?q=HYPER")))

    assert rows[0]["Name"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    "path",
    [
        "members/",
        "members/export/",
        "settings/",
    ],
)
def test_admin_pages_member_gets_clear_403(member_client, workspace, path):
    response = member_client.get(f"/workspaces/{workspace.pk}/{path}")

    assert response.status_code == 403
    assert "Only admins of Acme" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "members/",
        "members/export/",
        "settings/",
        "settings/policy/on/",
        "members/invite/",
    ],
)
def test_admin_pages_other_workspace_is_404(admin_client, path):
    elsewhere = WorkspaceFactory()
    MembershipFactory(workspace=elsewhere, role="admin")

    if path.endswith(("on/", "invite/")):
        response = admin_client.post(f"/workspaces/{elsewhere.pk}/{path}")
    else:
        response = admin_client.get(f"/workspaces/{elsewhere.pk}/{path}")

    assert response.status_code == 404


def test_admin_pages_signed_out_go_to_sign_in(client, workspace):
    response = client.get(_members_url(workspace))

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_nav_admin_sees_admin_links(admin_client, workspace):
    page = admin_client.get("/").content.decode()

    assert "Workspace settings" in page
    assert "Users management" in page


def test_nav_member_sees_no_admin_links(member_client):
    page = member_client.get("/").content.decode()

    assert "Workspace settings" not in page
    assert "Users management" not in page


def test_switch_workspace_changes_current_workspace(admin, admin_client, workspace):
    other = WorkspaceFactory(name="Beta")
    MembershipFactory(workspace=other, user=admin, role="member")
    before = admin_client.get("/")

    response = admin_client.post(
        "/workspaces/switch/", {"workspace": other.pk, "next": "/"}
    )
    after = admin_client.get("/")

    assert before.context["current_membership"].workspace == workspace
    assert 'aria-label="Current workspace"' in before.content.decode()
    assert response.status_code == 302
    assert after.context["current_membership"].workspace == other
    assert "Users management" not in after.content.decode()


def test_switch_workspace_not_a_member_is_404(admin_client):
    response = admin_client.post(
        "/workspaces/switch/", {"workspace": WorkspaceFactory().pk}
    )

    assert response.status_code == 404


def test_notice_before_deadline_shows_on_every_page_in_workspace_time(
    transactional_db,
):
    workspace = WorkspaceFactory(
        name="Samoa",
        time_zone="Pacific/Pago_Pago",
        two_step_required_since=T0,
        compliance_period_days=2,
    )
    user = UserFactory()
    MembershipFactory(workspace=workspace, user=user, joined_at=T0 - DAY)

    with freeze_time(T0 + 2 * DAY - SECOND):
        client = signed_in(user)
        pages = [client.get(p).content.decode() for p in ("/", "/settings/profile/")]

    for page in pages:
        assert "Two-step verification is required</strong> by Samoa" in page
        # 09:00 UTC on 4 March is 22:00 on 3 March in Pago Pago (UTC-11).
        assert "3 March 2026, 22:00" in page
        assert "(Pacific/Pago_Pago)" in page
        assert "/settings/security/" in page


def test_notice_two_step_on_or_policy_off_is_hidden(transactional_db):
    workspace = WorkspaceFactory(two_step_required_since=T0, compliance_period_days=2)
    ready = UserFactory()
    enable_two_step_unchecked(ready)
    MembershipFactory(workspace=workspace, user=ready)
    free = UserFactory()
    MembershipFactory(workspace=WorkspaceFactory(), user=free)

    with freeze_time(T0 + DAY):
        pages = [signed_in(u).get("/").content.decode() for u in (ready, free)]

    assert all("Two-step verification is required" not in page for page in pages)


def test_notice_several_workspaces_names_earliest_deadline(transactional_db):
    user = UserFactory()
    for name, days in [("Slow", 9), ("Fast", 2)]:
        workspace = WorkspaceFactory(
            name=name,
            time_zone="UTC",
            two_step_required_since=T0,
            compliance_period_days=days,
        )
        MembershipFactory(workspace=workspace, user=user, joined_at=T0)

    with freeze_time(T0 + DAY):
        page = signed_in(user).get("/").content.decode()

    assert "by Fast" in page
    assert "4 March 2026, 09:00" in page


def test_list_members_table_gets_a_wide_card_that_scrolls_inside(
    admin_client, workspace
):
    # At 1280 px the six columns need more than the 46rem reading width.
    css = (settings.BASE_DIR / "static/css/app.css").read_text()

    page = admin_client.get(f"/workspaces/{workspace.pk}/members/").content.decode()

    assert '<div class="card wide">' in page
    assert '<div class="table-scroll">' in page
    assert "main:has(> .card.wide) { max-width: 76rem; }" in css
    assert ".table-scroll { overflow-x: auto; }" in css
