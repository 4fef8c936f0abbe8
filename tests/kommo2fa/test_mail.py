import logging
import re
import smtplib

from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings

from kommo2fa.mail import deliver_email, seal, unseal
from security.models import EmailCode
from tests.factories import enable_two_step_unchecked

REFUSING_MAILER = {
    "default": {"BACKEND": "tests.kommo2fa.test_mail.RefusingEmailBackend"}
}


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_seal_hides_the_body_and_unseal_restores_it():
    sealed = seal("Your sign-in code is 123456")

    assert "123456" not in sealed
    assert unseal(sealed) == "Your sign-in code is 123456"


def test_deliver_email_with_unreadable_body_reports_failure(caplog, mailoutbox):
    result = deliver_email.call(
        to="dana@example.com", subject="Hello", sealed_body="tampered", user_id=7
    )

    assert result is False
    assert "Could not open a queued email for user 7" in caplog.text
    assert mailoutbox == []


@override_settings(MAILERS=REFUSING_MAILER)
def test_send_email_to_a_server_that_is_down_keeps_the_page_and_the_code_secret(
    client, user, sign_in, caplog
):
    caplog.set_level(logging.DEBUG)
    enable_two_step_unchecked(user)
    sign_in(user)

    response = client.get("/sign-in/verify/")

    assert response.status_code == 200
    assert EmailCode.objects.filter(user=user).count() == 1
    assert f"Sending an email to user {user.pk} failed" in caplog.text
    assert not re.search(r"\b\d{6}\b", caplog.text)
    assert user.email not in caplog.text
