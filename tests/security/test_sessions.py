from django.test import Client

import pytest
from freezegun import freeze_time

from security.models import UserSession
from tests.factories import PASSWORD, UserFactory

# Rolled back, not flushed: see `commits_as_in_production`.
pytestmark = pytest.mark.django_db


def _row_of(client) -> UserSession:
    return UserSession.objects.get(ref=client.session["security.session_ref"])


def test_revoke_session_signs_that_browser_out(signed_in_client, second_client, user):
    other = second_client(user)

    response = signed_in_client.post(
        f"/settings/security/sessions/{_row_of(other).pk}/sign-out/"
    )

    assert response.status_code == 302
    assert other.get("/settings/profile/")["Location"].startswith("/sign-in/")
    assert signed_in_client.get("/settings/profile/").status_code == 200


def test_revoke_session_of_another_user_changes_nothing(signed_in_client, db):
    stranger = UserFactory()
    theirs = Client()
    theirs.post("/sign-in/", {"username": stranger.email, "password": PASSWORD})

    response = signed_in_client.post(
        f"/settings/security/sessions/{_row_of(theirs).pk}/sign-out/", follow=True
    )

    assert "That session was already signed out." in response.content.decode()
    assert theirs.get("/settings/profile/").status_code == 200


def test_revoke_session_of_this_browser_is_refused(signed_in_client):
    row = _row_of(signed_in_client)

    response = signed_in_client.post(
        f"/settings/security/sessions/{row.pk}/sign-out/", follow=True
    )

    assert "To sign out this browser, use Sign out." in response.content.decode()
    assert UserSession.objects.filter(pk=row.pk).exists()


def test_revoke_session_by_get_is_refused(signed_in_client, second_client, user):
    other = second_client(user)

    response = signed_in_client.get(
        f"/settings/security/sessions/{_row_of(other).pk}/sign-out/"
    )

    assert response.status_code == 405
    assert other.get("/settings/profile/").status_code == 200


def test_security_page_lists_the_signed_in_browsers(
    signed_in_client, second_client, user
):
    second_client(user)

    response = signed_in_client.get("/settings/security/")

    rows = response.context["signed_in"]
    assert len(rows) == 2
    assert [row["is_current"] for row in rows].count(True) == 1


def test_register_session_drops_rows_of_long_expired_sessions(client, user):
    with freeze_time("2026-01-01 09:00:00"):
        client.post("/sign-in/", {"username": user.email, "password": PASSWORD})
        client.post("/sign-out/")
        Client().post("/sign-in/", {"username": user.email, "password": PASSWORD})
    assert UserSession.objects.filter(user=user).count() == 1

    with freeze_time("2026-03-01 09:00:00"):
        Client().post("/sign-in/", {"username": user.email, "password": PASSWORD})

    assert UserSession.objects.filter(user=user).count() == 1
