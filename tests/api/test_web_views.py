"""Signed-in apps on Profile settings → Security."""

import pytest

from api.models import AppToken
from tests.factories import PASSWORD, MembershipFactory


@pytest.fixture
def browser(client, member):
    client.post("/sign-in/", {"username": member.email, "password": PASSWORD})
    return client


def test_security_page_lists_signed_in_apps(api, browser, member):
    api.login(member, device_name="Anna's Pixel")

    response = browser.get("/settings/security/")

    assert response.status_code == 200
    assert [t.device_name for t in response.context["signed_in_apps"]] == [
        "Anna's Pixel"
    ]
    assert "Anna&#x27;s Pixel" in response.content.decode()


def test_revoke_app_token_signs_app_out(api, browser, member):
    token = api.login(member).json()["token"]
    row = AppToken.objects.get()

    response = browser.post(f"/settings/security/apps/{row.pk}/sign-out/")

    assert response.status_code == 302
    assert api.get("/api/v1/me", token=token).status_code == 401


def test_revoke_app_token_of_another_user_does_nothing(api, browser, member):
    other = MembershipFactory().user
    token = api.login(other).json()["token"]
    row = AppToken.objects.get()

    browser.post(f"/settings/security/apps/{row.pk}/sign-out/")

    assert api.get("/api/v1/me", token=token).status_code == 200


def test_revoke_app_token_needs_post(api, browser, member):
    api.login(member)
    row = AppToken.objects.get()

    response = browser.get(f"/settings/security/apps/{row.pk}/sign-out/")

    assert response.status_code == 405
    assert AppToken.objects.exists()
