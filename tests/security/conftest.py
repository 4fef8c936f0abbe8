"""Fixtures shared by the security tests."""

from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.db import connections, transaction
from django.test import Client, RequestFactory

import pytest

from tests.factories import (
    PASSWORD,
    UserFactory,
    enable_two_step_unchecked,
    last_emailed_code,
)

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
IP = "203.0.113.7"


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return (
        marker is None
        or bool(marker.kwargs.get("transaction"))
        or "transactional_db" in request.fixturenames
    )


def _run_hooks_if_committed(connection) -> None:
    if any(not block._from_testcase for block in connection.atomic_blocks):
        return
    while connection.run_on_commit:
        _, hook, robust = connection.run_on_commit.pop(0)
        try:
            hook()
        except Exception:
            if not robust:
                raise


@pytest.fixture(autouse=True)
def commits_as_in_production(request, monkeypatch):
    """Run commit hooks (queued email) when the app's transaction commits.

    Tests here run inside one transaction rolled back at the end, which is
    fast, but nothing in it ever commits, so no email would leave. A hook
    now runs as soon as no atomic block of the app is open, as it would in
    production. Django drops the hooks of a block that rolls back before
    that, so an email of an undone change never leaves here either.
    """
    if _is_transactional(request):
        return
    request.getfixturevalue("db")
    exit_block = transaction.Atomic.__exit__

    def exit_then_commit(block, exc_type, exc_value, traceback):
        result = exit_block(block, exc_type, exc_value, traceback)
        _run_hooks_if_committed(transaction.get_connection(block.using))
        return result

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_then_commit)
    for connection in connections.all():
        register = connection.on_commit

        def register_then_commit(func, robust=False, *, _c=connection, _r=register):
            _r(func, robust)
            _run_hooks_if_committed(_c)

        monkeypatch.setattr(connection, "on_commit", register_then_commit)


@pytest.fixture
def user(db):
    """A user, in a test that rolls back rather than flushes."""
    return UserFactory()


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
