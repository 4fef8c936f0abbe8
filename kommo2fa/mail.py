"""Sending email without ever blocking or breaking a page.

Messages are handed to Django's tasks framework once the surrounding
transaction commits. The body is sealed with a key derived from SECRET_KEY
before it is enqueued, because a database-backed queue keeps task arguments
and a sign-in code must not rest there in clear text.
"""

import base64
import hashlib
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task

from cryptography.fernet import Fernet, InvalidToken

logger = logging.getLogger(__name__)


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"kommo2fa.mail:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


@task
def deliver_email(*, to: str, subject: str, sealed_body: str, user_id=None):
    try:
        body = unseal(sealed_body)
        EmailMessage(subject=subject, body=body, to=[to]).send()
    except InvalidToken:
        logger.exception("Could not open a queued email for user %s", user_id)
        return False
    except Exception:
        logger.exception("Sending an email to user %s failed", user_id)
        return False
    return True


def send_email(*, to: str, subject: str, body: str, user_id=None) -> None:
    """Queue one plain-text email, to leave once the transaction commits."""
    subject = " ".join(subject.split())
    sealed_body = seal(body)

    def enqueue():
        try:
            deliver_email.enqueue(
                to=to, subject=subject, sealed_body=sealed_body, user_id=user_id
            )
        except Exception:
            logger.exception("Queueing an email to user %s failed", user_id)

    transaction.on_commit(enqueue)
