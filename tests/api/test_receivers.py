"""Every way all of a user's app tokens die, besides signing out."""

from django.contrib.auth import get_user_model

import pytest

from api.models import AppToken
from security.models import SecurityEvent
from security.signals import password_changed, two_step_enabled
from tests.factories import PASSWORD, MembershipFactory, last_emailed_code
from workspace.membership import remove_member
from workspace.models import Membership

NEW_PASSWORD = "a fresh and long passphrase 42"


@pytest.fixture
def tokens(api, member):
    return [
        api.login(member, device_name=name).json()["token"]
        for name in ("Phone", "Tablet")
    ]


def _alive(api, token):
    return api.get("/api/v1/me", token=token).status_code == 200


def test_turning_two_step_on_in_web_app_ends_all_tokens(
    api, client, member, tokens, mailoutbox
):
    client.post("/sign-in/", {"username": member.email, "password": PASSWORD})
    client.post("/settings/security/enable/", {"send": "1"})

    response = client.post("/settings/security/enable/", {"code": last_emailed_code()})

    assert response.status_code == 200
    assert not any(_alive(api, token) for token in tokens)
    revoked = SecurityEvent.objects.get(kind="token_revoked", user=member)
    assert revoked.details == {"reason": "two_step_enabled", "tokens": 2}


def test_changing_password_in_web_app_ends_all_tokens(api, client, member, tokens):
    client.post("/sign-in/", {"username": member.email, "password": PASSWORD})

    response = client.post(
        "/settings/password/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert not any(_alive(api, token) for token in tokens)


def test_password_changed_signal_ends_all_tokens(api, member, tokens):
    password_changed.send(sender=type(member), user=member, request=None)

    assert not AppToken.objects.filter(user=member).exists()


def test_two_step_enabled_signal_ends_only_that_users_tokens(api, member, tokens):
    other = MembershipFactory().user
    other_token = api.login(other).json()["token"]

    two_step_enabled.send(sender=type(member), user=member, request=None)

    assert not AppToken.objects.filter(user=member).exists()
    assert _alive(api, other_token)


def test_removal_from_last_workspace_ends_all_tokens(api, member, tokens):
    membership = member.memberships.get()
    admin = MembershipFactory(
        workspace=membership.workspace, role=Membership.Role.ADMIN
    ).user

    remove_member(
        workspace=membership.workspace, membership_id=membership.pk, actor=admin
    )

    assert not any(_alive(api, token) for token in tokens)


def test_removal_from_one_of_two_workspaces_keeps_tokens(api, member, tokens):
    MembershipFactory(user=member)
    membership = member.memberships.order_by("pk").first()

    membership.delete()

    assert all(_alive(api, token) for token in tokens)


def test_deleting_user_with_tokens_deletes_them(api, member, tokens):
    get_user_model().objects.filter(pk=member.pk).delete()

    assert not AppToken.objects.exists()
