import pytest

from security.models import SecurityEvent
from tests.factories import MembershipFactory, UserFactory
from tests.workspace.conftest import signed_in
from workspace.errors import WorkspaceError
from workspace.membership import change_role, remove_member
from workspace.models import Membership

Role = Membership.Role


def _role_url(workspace, membership):
    return f"/workspaces/{workspace.pk}/members/{membership.pk}/role/"


def _remove_url(workspace, membership):
    return f"/workspaces/{workspace.pk}/members/{membership.pk}/remove/"


def test_change_role_member_to_admin_records_event(admin_client, admin, workspace):
    target = MembershipFactory(workspace=workspace)

    response = admin_client.post(_role_url(workspace, target), {"role": "admin"})

    target.refresh_from_db()
    assert response.status_code == 302
    assert target.role == Role.ADMIN
    event = SecurityEvent.objects.get(kind="role_changed")
    assert (event.user, event.actor, event.workspace) == (target.user, admin, workspace)
    assert event.details == {"role_before": "member", "role_after": "admin"}


def test_change_role_last_admin_demoted_is_refused(admin, workspace):
    own = Membership.objects.get(user=admin)

    with pytest.raises(WorkspaceError) as refusal:
        change_role(
            workspace=workspace, membership_id=own.pk, role=Role.MEMBER, actor=admin
        )

    own.refresh_from_db()
    assert refusal.value.code == "last_admin"
    assert own.role == Role.ADMIN
    assert not SecurityEvent.objects.filter(kind="role_changed").exists()


def test_change_role_last_admin_demoted_on_web_shows_why(
    admin_client, admin, workspace
):
    own = Membership.objects.get(user=admin)

    response = admin_client.post(
        _role_url(workspace, own), {"role": "member"}, follow=True
    )

    own.refresh_from_db()
    assert own.role == Role.ADMIN
    assert "needs at least one admin" in response.content.decode()


def test_change_role_one_of_two_admins_demoted_is_allowed(admin, workspace):
    other = MembershipFactory(workspace=workspace, role=Role.ADMIN)

    change_role(
        workspace=workspace, membership_id=other.pk, role=Role.MEMBER, actor=admin
    )

    other.refresh_from_db()
    assert other.role == Role.MEMBER


def test_change_role_unknown_role_changes_nothing(admin_client, workspace):
    target = MembershipFactory(workspace=workspace)

    admin_client.post(_role_url(workspace, target), {"role": "owner"})

    target.refresh_from_db()
    assert target.role == Role.MEMBER


def test_change_role_member_of_other_workspace_is_missing(admin, workspace):
    stranger = MembershipFactory()

    with pytest.raises(WorkspaceError) as refusal:
        change_role(
            workspace=workspace,
            membership_id=stranger.pk,
            role=Role.ADMIN,
            actor=admin,
        )

    stranger.refresh_from_db()
    assert refusal.value.code == "member_missing"
    assert stranger.role == Role.MEMBER


def test_remove_member_deletes_membership_and_records_event(
    admin_client, admin, workspace
):
    target = MembershipFactory(workspace=workspace)

    response = admin_client.post(_remove_url(workspace, target))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=target.pk).exists()
    event = SecurityEvent.objects.get(kind="member_removed")
    assert (event.user, event.actor, event.workspace) == (target.user, admin, workspace)


def test_remove_member_last_admin_is_refused(admin, workspace):
    own = Membership.objects.get(user=admin)

    with pytest.raises(WorkspaceError) as refusal:
        remove_member(workspace=workspace, membership_id=own.pk, actor=admin)

    assert refusal.value.code == "last_admin"
    assert Membership.objects.filter(pk=own.pk).exists()


def test_remove_member_non_admin_is_forbidden_and_nothing_changes(
    member_client, workspace, admin
):
    own = Membership.objects.get(user=admin)

    response = member_client.post(_remove_url(workspace, own))
    demote = member_client.post(_role_url(workspace, own), {"role": "member"})

    own.refresh_from_db()
    assert (response.status_code, demote.status_code) == (403, 403)
    assert own.role == Role.ADMIN
    assert not SecurityEvent.objects.exclude(kind="signed_in").exists()


def test_remove_member_removed_user_loses_access_to_pages(admin, workspace):
    other_admin = UserFactory()
    target = MembershipFactory(workspace=workspace, user=other_admin, role="admin")
    client = signed_in(other_admin)
    assert client.get(f"/workspaces/{workspace.pk}/members/").status_code == 200

    remove_member(workspace=workspace, membership_id=target.pk, actor=admin)

    assert client.get(f"/workspaces/{workspace.pk}/members/").status_code == 404


def test_update_workspace_records_what_changed(admin_client, admin, workspace):
    workspace.time_zone = "UTC"
    workspace.save()

    response = admin_client.post(
        f"/workspaces/{workspace.pk}/settings/",
        {"name": workspace.name, "time_zone": "Pacific/Kiritimati"},
    )

    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind="workspace_updated")
    assert (event.actor, event.workspace) == (admin, workspace)
    assert event.details == {
        "time_zone": {"before": "UTC", "after": "Pacific/Kiritimati"}
    }
