"""Turning a user's two-step verification on and off."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts import throttle
from security import backup_codes, email_codes, second_step, sessions
from security.conf import two_step_settings
from security.errors import TwoStepError
from security.events import Kind, record_event
from security.lockout import two_step_for
from security.mail import send_security_email
from security.models import EmailCode, TwoStep
from security.signals import two_step_disabled, two_step_enabled
from workspace.compliance import mandatory_workspace_names

logger = logging.getLogger(__name__)

PASSWORD_CONFIRMED_AT = "security.password_confirmed_at"  # noqa: S105
Purpose = EmailCode.Purpose


def send_enable_code(*, request) -> str:
    user = request.user
    if two_step_for(user).is_enabled:
        raise TwoStepError("already_enabled")
    return email_codes.send_code(user=user, purpose=Purpose.ENABLE, request=request)


@sensitive_variables()
def _change_with_code(*, request, purpose, code, while_enabled, change):
    """Redeem `code` and make `change` in one transaction, on the locked row.

    `while_enabled` says whether 2FA must be on (True) or off (False) for
    the change. A refused code is raised only after the transaction, so
    its counted try is kept.
    """
    user = request.user
    email_codes.normalize_code(code)
    two_step_for(user)
    refusal = None
    with transaction.atomic():
        state = TwoStep.objects.select_for_update().get(user=user)
        if state.is_enabled != while_enabled:
            raise TwoStepError(
                "already_disabled" if while_enabled else "already_enabled"
            )
        try:
            email_codes.redeem_code(
                user=user, purpose=purpose, code=code, request=request
            )
        except TwoStepError as error:
            refusal = error
        else:
            result = change(user)
    if refusal is not None:
        raise refusal
    return result


def enable_two_step(*, request, code) -> list[str]:
    """Turn two-step verification on; returns the new backup codes.

    One transaction: status, backup codes, the other sessions signed out,
    this session counted as verified, the audit row and the email.
    """
    return _change_with_code(
        request=request,
        purpose=Purpose.ENABLE,
        code=code,
        while_enabled=False,
        change=lambda user: _turn_on(request=request, user=user),
    )


@sensitive_variables()
def _turn_on(*, request, user) -> list[str]:
    now = timezone.now()
    TwoStep.objects.filter(user=user).update(
        enabled_at=now, failed_attempts=0, locked_until=None
    )
    codes = backup_codes.replace_codes(user=user)
    revoked = sessions.revoke_other_sessions(user=user, request=request)
    two_step_enabled.send(sender=TwoStep, user=user, request=request)
    second_step.mark_passed(request)
    record_event(
        kind=Kind.TWO_STEP_ENABLED, user=user, request=request, sessions_ended=revoked
    )
    send_security_email(user=user, event="two_step_enabled", request=request)
    logger.info("User %s turned on two-step verification", user.pk)
    return codes


@sensitive_variables()
def confirm_password(*, request, password) -> None:
    user = request.user
    if not user.has_usable_password():
        raise TwoStepError("password_not_set")
    if not password:
        raise TwoStepError("password_required")
    matches = throttle.password_matches(user=user, password=password, request=request)
    if matches is None:
        raise TwoStepError("password_throttled")
    if not matches:
        logger.info("Wrong password confirming a change for user %s", user.pk)
        raise TwoStepError("password_wrong")
    request.session[PASSWORD_CONFIRMED_AT] = timezone.now().isoformat()


def password_confirmed(request) -> bool:
    confirmed = request.session.get(PASSWORD_CONFIRMED_AT)
    if not confirmed:
        return False
    lifetime = two_step_settings().PASSWORD_CONFIRMATION_LIFETIME
    return datetime.fromisoformat(confirmed) + lifetime > timezone.now()


def _ensure_may_disable(request) -> None:
    user = request.user
    if not user.has_usable_password():
        raise TwoStepError("password_not_set")
    if not two_step_for(user).is_enabled:
        raise TwoStepError("already_disabled")
    names = mandatory_workspace_names(user)
    if names:
        raise TwoStepError("mandatory_policy", workspaces=", ".join(names))
    if not password_confirmed(request):
        if request.session.get(PASSWORD_CONFIRMED_AT):
            raise TwoStepError("password_confirmation_expired")
        raise TwoStepError("password_required")


@sensitive_variables()
def send_disable_code(*, request, password=None) -> str:
    if password is not None:
        confirm_password(request=request, password=password)
    _ensure_may_disable(request)
    return email_codes.send_code(
        user=request.user, purpose=Purpose.DISABLE, request=request
    )


def disable_two_step(*, request, code) -> None:
    _ensure_may_disable(request)
    _change_with_code(
        request=request,
        purpose=Purpose.DISABLE,
        code=code,
        while_enabled=True,
        change=lambda user: _turn_off(request=request, user=user),
    )
    request.session.pop(PASSWORD_CONFIRMED_AT, None)
    logger.info("User %s turned off two-step verification", request.user.pk)


def _turn_off(*, request, user) -> None:
    TwoStep.objects.filter(user=user).update(enabled_at=None)
    backup_codes.void_codes(user=user)
    two_step_disabled.send(sender=TwoStep, user=user, request=request)
    record_event(kind=Kind.TWO_STEP_DISABLED, user=user, request=request)
    send_security_email(user=user, event="two_step_disabled", request=request)


def send_new_codes_code(*, request, password) -> str:
    """The first step to a new set of backup codes: password, then a code."""
    confirm_password(request=request, password=password)
    if not two_step_for(request.user).is_enabled:
        raise TwoStepError("already_disabled")
    return email_codes.send_code(
        user=request.user, purpose=Purpose.NEW_BACKUP_CODES, request=request
    )


def make_new_backup_codes(*, request, code) -> list[str]:
    """Void the old backup codes and make a new set, while 2FA stays on."""
    if not password_confirmed(request):
        raise TwoStepError("password_required")
    codes = _change_with_code(
        request=request,
        purpose=Purpose.NEW_BACKUP_CODES,
        code=code,
        while_enabled=True,
        change=lambda user: _replace_backup_codes(request=request, user=user),
    )
    request.session.pop(PASSWORD_CONFIRMED_AT, None)
    logger.info("User %s made new backup codes", request.user.pk)
    return codes


@sensitive_variables()
def _replace_backup_codes(*, request, user) -> list[str]:
    codes = backup_codes.replace_codes(user=user)
    record_event(kind=Kind.BACKUP_CODES_REPLACED, user=user, request=request)
    send_security_email(user=user, event="backup_codes_replaced", request=request)
    return codes
