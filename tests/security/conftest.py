"""Fixtures shared by the security tests."""

from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import Client, RequestFactory

import pytest

from tests.factories import PASSWORD, enable_two_step_unchecked, last_emailed_code

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
IP = "203.0.113.7"


@pytest.fixture
def make_request():
    """A POST request of `user` with a real, empty database session."""

    def build(user, *, path="/"):
        request = RequestFactory().post(path, REMOTE_ADDR=IP, HTTP_USER_AGENT=BROWSER)
        request.user = user
        request.session = SessionStore()
        return request

    return build


@pytest.fixture
def pending_client(client, user, sign_in):
    """A client of `user`, 2FA on, past the password and held at the code."""
    enable_two_step_unchecked(user)
    sign_in(user)
    return client


@pytest.fixture
def verified_client(pending_client, mailoutbox):
    """A client of `user`, 2FA on, with the second step passed."""
    pending_client.get("/sign-in/verify/")
    response = pending_client.post("/sign-in/verify/", {"code": last_emailed_code()})
    assert response.status_code == 302
    mail.outbox.clear()
    return pending_client


@pytest.fixture
def signed_in_client(client, user, sign_in):
    """A client of `user`, 2FA off, signed in with the password."""
    sign_in(user)
    return client


@pytest.fixture
def second_client():
    """Another browser, for sessions that should or should not survive."""

    def build(user, **kwargs):
        other = Client(**kwargs)
        response = other.post(
            "/sign-in/", {"username": user.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        return other

    return build
