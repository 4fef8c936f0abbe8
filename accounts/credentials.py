"""Changing a user's password or email address.

With two-step verification on, both need the current password and an
emailed code. A new email address is used only once its owner opens the
link sent to it.
"""

import logging

from django.contrib.auth import update_session_auth_hash
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts.models import User, normalize_email
from kommo2fa.errors import KeyedError
from security import email_codes
from security.events import Kind, record_event
from security.lockout import two_step_for
from security.mail import send_security_email, site_url
from security.models import EmailCode
from security.signals import password_changed

logger = logging.getLogger(__name__)

Purpose = EmailCode.Purpose
EMAIL_CHANGE_SALT = "accounts.email_change"
EMAIL_CHANGE_MAX_AGE = 60 * 60 * 24


class EmailChangeError(KeyedError):
    messages = {
        "link_invalid": (
            "This confirmation link is not valid. Ask for a new one in Profile "
            "settings."
        ),
        "link_expired": (
            "This confirmation link has expired. Ask for a new one in Profile settings."
        ),
        "link_used": (
            "This link was already used, or the address changed since. Ask for a "
            "new one in Profile settings if you still need it."
        ),
        "email_taken": (
            "Another account already uses this email address. Choose another one."
        ),
    }


def needs_code(user) -> bool:
    return two_step_for(user).is_enabled


def send_change_code(*, request, purpose) -> str:
    return email_codes.send_code(user=request.user, purpose=purpose, request=request)


@sensitive_variables()
def change_password(*, request, new_password, code=None) -> None:
    """Set the new password; the form has checked the current one already.

    Raises `TwoStepError` and changes nothing when the code is refused.
    """
    user = request.user
    if needs_code(user):
        # Its own transaction, so that a wrong try is counted even though
        # nothing else is written.
        email_codes.redeem_code(
            user=user, purpose=Purpose.CHANGE_PASSWORD, code=code, request=request
        )
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        update_session_auth_hash(request, user)
        password_changed.send(sender=User, user=user, request=request)
        record_event(kind=Kind.PASSWORD_CHANGED, user=user, request=request)
        send_security_email(user=user, event="password_changed", request=request)
    logger.info("User %s changed their password", user.pk)


@sensitive_variables()
def request_email_change(*, request, new_email, code=None) -> None:
    """Send a confirmation link to `new_email`; nothing changes until used."""
    user = request.user
    new_email = normalize_email(new_email)
    if needs_code(user):
        email_codes.redeem_code(
            user=user, purpose=Purpose.CHANGE_EMAIL, code=code, request=request
        )
    token = signing.dumps(
        {
            "user": user.pk,
            "from": user.email,
            "to": new_email,
            "since": _stamp(user.email_changed_at),
        },
        salt=EMAIL_CHANGE_SALT,
    )
    link = site_url(request) + reverse("accounts:confirm_email", args=[token])
    send_security_email(
        user=user, event="confirm_email", request=request, to=new_email, link=link
    )
    logger.info("User %s asked to change their email address", user.pk)


def _stamp(moment) -> str:
    return moment.isoformat() if moment else ""


def read_email_change(token) -> dict:
    """The change a link asks for: `user` (pk), `from` and `to` addresses."""
    try:
        return signing.loads(
            token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE
        )
    except signing.SignatureExpired:
        raise EmailChangeError("link_expired") from None
    except signing.BadSignature:
        raise EmailChangeError("link_invalid") from None


def _user_for(change, *, for_update=False):
    """The account the change is for, while the link is still good."""
    users = User.objects.select_for_update() if for_update else User.objects
    user = users.filter(pk=change["user"], email=change["from"]).first()
    # Any change of address since the link was made, including the one it
    # made itself, ends it: an old link cannot take the address back.
    if user is None or _stamp(user.email_changed_at) != change.get("since"):
        raise EmailChangeError("link_used")
    return user


def check_email_change(token) -> dict:
    """The change a link asks for, if the link can still be used."""
    change = read_email_change(token)
    _user_for(change)
    return change


def confirm_email_change(*, request, token) -> User:
    """Move the account to the new address; the link then stops working."""
    change = read_email_change(token)
    with transaction.atomic():
        user = _user_for(change, for_update=True)
        if User.objects.filter(email=change["to"]).exclude(pk=user.pk).exists():
            raise EmailChangeError("email_taken")
        user.email = change["to"]
        user.email_changed_at = timezone.now()
        user.save(update_fields=["email", "email_changed_at"])
        record_event(kind=Kind.EMAIL_CHANGED, user=user, request=request)
        send_security_email(
            user=user,
            event="email_changed",
            request=request,
            to=change["from"],
            new_email=change["to"],
        )
    logger.info("User %s changed their email address", user.pk)
    return user
