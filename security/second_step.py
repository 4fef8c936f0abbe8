"""The pending sign-in: between the first step and the second.

Whatever logged the user in (the password form, the Django admin, a social
provider), Django's `user_logged_in` signal starts a pending sign-in here.
The session then holds only a random nonce and the time of sign-in: never
the password and never a code. Sign-in codes are bound to that nonce.
"""

import logging
import secrets
from datetime import datetime

from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from security import backup_codes, email_codes
from security.conf import two_step_settings
from security.events import Kind, record_event
from security.models import EmailCode, TwoStep

logger = logging.getLogger(__name__)

SIGNED_IN_AT = "security.signed_in_at"
SIGN_IN_NONCE = "security.sign_in_nonce"
PASSED = "security.second_step_passed"


def begin_sign_in(*, request, user) -> None:
    request.session[SIGN_IN_NONCE] = secrets.token_hex(16)
    request.session[SIGNED_IN_AT] = timezone.now().isoformat()
    request.session.pop(PASSED, None)


def two_step_enabled(user) -> bool:
    return TwoStep.objects.filter(user=user, enabled_at__isnull=False).exists()


def is_passed(request) -> bool:
    return bool(request.session.get(PASSED))


def is_expired(request) -> bool:
    started = request.session.get(SIGNED_IN_AT)
    if not started:
        return True
    lifetime = two_step_settings().PENDING_SIGN_IN_LIFETIME
    return datetime.fromisoformat(started) + lifetime <= timezone.now()


def mark_passed(request) -> None:
    """Count this session as verified, with a new key."""
    request.session.cycle_key()
    request.session[PASSED] = True
    request.session.pop(SIGN_IN_NONCE, None)


def _binding(request) -> str:
    return request.session.get(SIGN_IN_NONCE, "")


def code_waiting(request) -> bool:
    return (
        email_codes.live_code(
            user=request.user,
            purpose=EmailCode.Purpose.SIGN_IN,
            binding=_binding(request),
        )
        is not None
    )


def send_sign_in_code(request) -> str:
    return email_codes.send_code(
        user=request.user,
        purpose=EmailCode.Purpose.SIGN_IN,
        binding=_binding(request),
        request=request,
    )


def resend_available_in(request) -> int:
    return email_codes.resend_available_in(
        user=request.user, purpose=EmailCode.Purpose.SIGN_IN, binding=_binding(request)
    )


@sensitive_variables()
def pass_with_email_code(*, request, code) -> None:
    email_codes.redeem_code(
        user=request.user,
        purpose=EmailCode.Purpose.SIGN_IN,
        binding=_binding(request),
        code=code,
        request=request,
    )
    _complete(request, method="email_code")


@sensitive_variables()
def pass_with_backup_code(*, request, code) -> int:
    left = backup_codes.redeem_backup_code(
        user=request.user, code=code, request=request
    )
    _complete(request, method="backup_code")
    return left


def _complete(request, *, method) -> None:
    mark_passed(request)
    record_event(
        kind=Kind.SECOND_STEP_PASSED, user=request.user, request=request, method=method
    )
    logger.info("User %s passed the second step (%s)", request.user.pk, method)
