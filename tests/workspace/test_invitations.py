import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from accounts.models import User
from security.models import SecurityEvent
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)
from tests.workspace.conftest import signed_in
from workspace.compliance import deadline_of
from workspace.errors import WorkspaceError
from workspace.invitations import find_invitation, invite_member
from workspace.models import Invitation, Membership

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
NEW_PASSWORD = "a long new passphrase 42"
ACCEPT = "/invitations/accept/"


def _link(mailoutbox) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/\S+/)", mailoutbox[-1].body)[1]


def _open(client, link):
    """Open the emailed link as a browser does: it leads to the accept page."""
    return client.get(link, follow=True)


def _invite(admin_client, workspace, email, role="member"):
    return admin_client.post(
        f"/workspaces/{workspace.pk}/members/invite/", {"email": email, "role": role}
    )


def test_invite_member_emails_a_link_and_records_event(
    admin_client, admin, workspace, mailoutbox
):
    response = _invite(admin_client, workspace, "New.Person@Example.com")

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new.person@example.com"
    assert mailoutbox[-1].to == ["new.person@example.com"]
    assert "Acme" in mailoutbox[-1].subject
    token = _link(mailoutbox).split("/")[2]
    assert token not in invitation.token_hash
    event = SecurityEvent.objects.get(kind="member_invited")
    assert (event.actor, event.workspace, event.user) == (admin, workspace, None)


def test_invite_member_already_member_is_refused(
    admin_client, workspace, member, mailoutbox
):
    response = _invite(admin_client, workspace, member.email)

    assert response.status_code == 400
    error = response.context["invite_form"].errors.as_data()["email"][0]
    assert error.code == "already_member"
    assert not Invitation.objects.exists()


def test_invite_member_non_admin_is_forbidden(member_client, workspace, mailoutbox):
    response = _invite(member_client, workspace, "someone@example.com")

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_accept_invitation_new_person_sets_name_and_password(
    admin_client, workspace, mailoutbox, client
):
    _invite(admin_client, workspace, "new@example.com", role="admin")
    link = _link(mailoutbox)

    page = _open(client, link)
    response = client.post(ACCEPT, {"name": "Nia New", "password": NEW_PASSWORD})

    assert page.status_code == 200
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.name == "Nia New"
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.get(user=user, workspace=workspace).role == "admin"
    assert client.get("/").status_code == 200
    assert SecurityEvent.objects.filter(kind="member_joined", user=user).exists()


def test_accept_invitation_new_person_weak_password_is_refused(
    admin_client, workspace, mailoutbox, client
):
    _invite(admin_client, workspace, "new@example.com")

    _open(client, _link(mailoutbox))

    response = client.post(ACCEPT, {"name": "Nia", "password": "123"})

    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(email="new@example.com").exists()
    assert Invitation.objects.get().accepted_at is None


def test_accept_invitation_existing_user_signed_out_is_asked_to_sign_in(
    admin_client, workspace, mailoutbox, client
):
    existing = UserFactory(email="old@example.com")
    _invite(admin_client, workspace, existing.email)
    link = _link(mailoutbox)

    response = _open(client, link)

    assert "/sign-in/?next=" + link in response.content.decode()
    assert not Membership.objects.filter(user=existing, workspace=workspace).exists()


def test_accept_invitation_existing_user_signed_in_joins(
    admin_client, workspace, mailoutbox
):
    existing = UserFactory(email="old@example.com")
    _invite(admin_client, workspace, existing.email)
    link = _link(mailoutbox)
    client = signed_in(existing)

    page = _open(client, link)
    response = client.post(ACCEPT)

    assert page.status_code == 200
    assert response.status_code == 302
    assert Membership.objects.get(user=existing, workspace=workspace).role == "member"


def test_accept_invitation_used_twice_is_refused(
    admin_client, workspace, mailoutbox, client
):
    _invite(admin_client, workspace, "new@example.com")
    link = _link(mailoutbox)
    _open(client, link)
    client.post(ACCEPT, {"name": "Nia", "password": NEW_PASSWORD})
    client.post("/sign-out/")

    again = _open(client, link)

    assert again.status_code == 410
    assert again.context["code"] == "invitation_used"


def test_accept_invitation_expired_is_refused(admin_client, workspace, mailoutbox):
    with freeze_time(T0):
        _invite(admin_client, workspace, "new@example.com")
    link = _link(mailoutbox)

    with freeze_time(T0 + timedelta(days=7) - SECOND):
        before = _open(signed_in(UserFactory()), link)
    with freeze_time(T0 + timedelta(days=7)):
        after = _open(admin_client, link)

    assert before.context["code"] == "invitation_other_email"
    assert after.status_code == 410
    assert after.context["code"] == "invitation_expired"


def test_accept_invitation_other_email_is_refused(admin_client, workspace, mailoutbox):
    _invite(admin_client, workspace, "new@example.com")
    intruder = UserFactory(email="intruder@example.com")
    client = signed_in(intruder)
    _open(client, _link(mailoutbox))

    response = client.post(ACCEPT)

    assert response.status_code == 403
    assert response.context["code"] == "invitation_other_email"
    assert not Membership.objects.filter(user=intruder, workspace=workspace).exists()
    assert Invitation.objects.get().accepted_at is None


def test_accept_invitation_unknown_token_is_not_found(client, transactional_db):
    response = _open(client, "/invitations/not-a-real-token/")

    assert response.status_code == 404
    assert response.context["code"] == "invitation_invalid"


def test_invite_member_again_voids_the_older_link(admin_client, workspace, mailoutbox):
    _invite(admin_client, workspace, "new@example.com")
    first = _link(mailoutbox)
    _invite(admin_client, workspace, "new@example.com")

    response = _open(admin_client, first)

    assert response.context["code"] == "invitation_expired"


def test_find_invitation_after_acceptance_raises_used(admin, workspace, mailoutbox):
    invite_member(
        workspace=workspace, email="x@example.com", role="member", actor=admin
    )
    token = _link(mailoutbox).split("/")[2]
    Invitation.objects.update(accepted_at=T0)

    with pytest.raises(WorkspaceError) as refusal:
        find_invitation(token=token)

    assert refusal.value.code == "invitation_used"


def test_accept_invitation_late_joiner_gets_own_deadline(
    admin, mailoutbox, transactional_db
):
    workspace = WorkspaceFactory(
        two_step_required_since=T0, compliance_period_days=2, time_zone="UTC"
    )
    MembershipFactory(workspace=workspace, user=admin, role="admin")
    with freeze_time(T0 + timedelta(days=5)):
        invite_member(
            workspace=workspace, email="late@example.com", role="member", actor=admin
        )
        client = signed_in(UserFactory(email="late@example.com"))
        _open(client, _link(mailoutbox))
        client.post(ACCEPT)
        page = client.get("/").content.decode()

    membership = Membership.objects.get(user__email="late@example.com")
    assert deadline_of(membership) == T0 + timedelta(days=7)
    assert "Two-step verification is required" in page


def test_open_invitation_leads_to_a_page_without_the_token(
    admin_client, workspace, mailoutbox, client
):
    _invite(admin_client, workspace, "new@example.com")
    link = _link(mailoutbox)

    response = client.get(link)

    assert response.status_code == 302
    assert response.url == ACCEPT


def test_accept_invitation_refused_to_other_account_logs_no_live_token(
    admin_client, workspace, mailoutbox, caplog
):
    _invite(admin_client, workspace, "new@example.com")
    link = _link(mailoutbox)
    token = link.split("/")[2]
    client = signed_in(UserFactory(email="intruder@example.com"))

    with caplog.at_level(logging.INFO):
        page = _open(client, link)
        refusal = client.post(ACCEPT)

    assert (page.status_code, refusal.status_code) == (403, 403)
    assert refusal.context["code"] == "invitation_other_email"
    assert "Forbidden: /invitations/accept/" in caplog.text
    assert token not in caplog.text
    assert Invitation.objects.get().accepted_at is None


def test_accept_invitation_existing_user_signs_in_then_joins(
    admin_client, workspace, mailoutbox, client
):
    existing = UserFactory(email="old@example.com")
    _invite(admin_client, workspace, existing.email)
    link = _link(mailoutbox)
    _open(client, link)

    back = client.post(
        "/sign-in/?next=" + link,
        {"username": existing.email, "password": PASSWORD},
        follow=True,
    )
    response = client.post(ACCEPT)

    assert back.context["invitation"].email == existing.email
    assert response.status_code == 302
    assert Membership.objects.filter(user=existing, workspace=workspace).exists()
