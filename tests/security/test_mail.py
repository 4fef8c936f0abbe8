from pathlib import Path

from django.conf import settings

import pytest
from freezegun import freeze_time

from security.mail import mask_email, send_security_email
from tests.factories import UserFactory
from tests.security.conftest import IP

EMAIL_DIR = Path(settings.BASE_DIR) / "templates" / "security" / "email"
EVENTS = sorted(
    path.name.removesuffix("_body.txt") for path in EMAIL_DIR.glob("*_body.txt")
)
# Emails that go to an address not yet the account's, for confirming it.
NOT_YOU_ELSEWHERE = {"confirm_email"}
# What the password-reset email's link is made of.
RESET_LINK = {"protocol": "http", "domain": "testserver", "uid": "Nw", "token": "t-1"}

# Rendering needs no saved rows; the plain marker spares the flush.
pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory.build(pk=7, email="dana@example.com")


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """`send_security_email`, with the email leaving as on a real commit."""

    def send_now(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            send_security_email(**kwargs)

    return send_now


@pytest.mark.parametrize("event", EVENTS)
def test_send_security_email_says_when_where_and_what_if_not_you(
    make_request, user, send, mailoutbox, event
):
    user.time_zone = "Europe/Berlin"

    with freeze_time("2026-03-02 09:00:00"):
        send(
            user=user,
            event=event,
            request=make_request(user),
            code="123456",
            minutes=10,
            codes_left=3,
            new_email="new@example.com",
            link="http://testserver/link/",
            **RESET_LINK,
        )

    body = mailoutbox[-1].body
    assert "When: 2 March 2026, 10:00 CET" in body
    assert f"From: Firefox on Linux, IP address {IP}" in body
    if event not in NOT_YOU_ELSEWHERE:
        assert "If this was not you" in body or "If it was not" in body
    assert "{{" not in body and "{%" not in body
    assert "\n" not in mailoutbox[-1].subject


@pytest.mark.parametrize("event", [e for e in EVENTS if not e.startswith("code_")])
def test_send_security_email_other_than_a_code_holds_no_code(
    make_request, user, send, mailoutbox, event
):
    send(
        user=user,
        event=event,
        request=make_request(user),
        code="123456",
        **RESET_LINK,
    )

    assert "123456" not in mailoutbox[-1].body


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("jane.doe@example.com", "j•••e@example.com"),
        ("jo@example.com", "j•••@example.com"),
        ("j@example.com", "j•••@example.com"),
    ],
)
def test_mask_email_shows_enough_to_recognise(email, masked):
    assert mask_email(email) == masked
