"""Six-digit codes sent by email, for one user and one purpose.

A code is drawn uniformly from `secrets`, stored only as a keyed hash, lives
for ten minutes, works once, and allows five tries. Every try is reserved
with a conditional UPDATE before the code is compared, so concurrent guesses
can never add up to more than the allowed tries, and two concurrent correct
submissions let exactly one through.
"""

import logging
import math
import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.debug import sensitive_variables

from security.conf import two_step_settings
from security.errors import TwoStepError
from security.lockout import (
    ensure_not_locked,
    record_failure,
    record_success,
    two_step_for,
)
from security.mail import mask_email, send_security_email
from security.models import EmailCode, TwoStep

logger = logging.getLogger(__name__)

Purpose = EmailCode.Purpose
Status = EmailCode.Status

CODE_DIGITS = 6
# Longer than any code's lifetime and the window of the code limit.
_KEPT_FOR = timedelta(days=1)
# ASCII digits only: `\d` also matches digits of other scripts, which would
# pass the format check and then burn one of the five tries.
_CODE_RE = re.compile(r"^[0-9]{6}$")


@sensitive_variables()
def normalize_code(raw) -> str:
    """Accept `123 456` but not letters or a code of another length."""
    code = re.sub(r"\s+", "", str(raw or ""))
    if not _CODE_RE.match(code):
        raise TwoStepError("code_format")
    return code


@sensitive_variables()
def _hash(*, user, purpose, binding, code) -> str:
    value = f"{user.pk}:{purpose}:{binding}:{code}"
    return salted_hmac("kommo2fa.email_code", value, algorithm="sha256").hexdigest()


def _seconds_until(moment, now) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def _same_operation(*, binding, scope):
    """Codes that stand for the same operation: same binding, or same scope.

    A `scope` groups bindings that differ only in what they confirm, e.g.
    one workspace's policy codes for different periods.
    """
    return {"binding__startswith": scope} if scope else {"binding": binding}


def resend_available_in(*, user, purpose, binding="", scope=None) -> int:
    """Seconds until another code of `purpose` may be sent; 0 when now.

    The wait is per binding: a new sign-in, which needs the password again,
    gets its code at once; resending within one sign-in waits.
    """
    conf = two_step_settings()
    now = timezone.now()
    latest = (
        EmailCode.objects.filter(
            user=user, purpose=purpose, **_same_operation(binding=binding, scope=scope)
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if latest is None or latest + conf.EMAIL_CODE_RESEND_WAIT <= now:
        return 0
    return _seconds_until(latest + conf.EMAIL_CODE_RESEND_WAIT, now)


def live_code(*, user, purpose, binding=""):
    """The code that would be checked now, if it can still be used."""
    return (
        EmailCode.objects.filter(
            user=user,
            purpose=purpose,
            binding=binding,
            status=Status.LIVE,
            expires_at__gt=timezone.now(),
            attempts__lt=two_step_settings().EMAIL_CODE_MAX_ATTEMPTS,
        )
        .order_by("-created_at")
        .first()
    )


@sensitive_variables()
def send_code(*, user, purpose, binding="", scope=None, request=None, **mail_context):
    """Make a new code of `purpose` and `binding`, replacing the previous one
    of both, and email it. Returns the masked address it went to.

    The resend wait applies per binding; the cap on codes per window applies
    to the purpose as a whole, so new sign-ins cannot flood a mailbox.
    """
    conf = two_step_settings()
    ensure_not_locked(user=user)
    two_step_for(user)
    now = timezone.now()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"

    with transaction.atomic():
        # One sender at a time per user, so the limits below hold under races.
        TwoStep.objects.select_for_update().filter(user=user).first()
        wait = resend_available_in(
            user=user, purpose=purpose, binding=binding, scope=scope
        )
        if wait:
            raise TwoStepError("resend_wait", seconds=wait)
        times = list(
            EmailCode.objects.filter(
                user=user, purpose=purpose, created_at__gt=now - conf.EMAIL_CODE_WINDOW
            )
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        if len(times) >= conf.EMAIL_CODE_MAX_PER_WINDOW:
            logger.warning("Code limit reached for user %s (%s)", user.pk, purpose)
            freed_at = times[-conf.EMAIL_CODE_MAX_PER_WINDOW] + conf.EMAIL_CODE_WINDOW
            raise TwoStepError(
                "too_many_codes", minutes=math.ceil(_seconds_until(freed_at, now) / 60)
            )
        EmailCode.objects.filter(
            user=user,
            purpose=purpose,
            status=Status.LIVE,
            **_same_operation(binding=binding, scope=scope),
        ).update(status=Status.REPLACED)
        # Old rows serve no limit any more; dropping them here keeps the
        # table as small as the number of recent codes.
        EmailCode.objects.filter(user=user, created_at__lt=now - _KEPT_FOR).delete()
        EmailCode.objects.create(
            user=user,
            purpose=purpose,
            binding=binding,
            code_hash=_hash(user=user, purpose=purpose, binding=binding, code=code),
            created_at=now,
            expires_at=now + conf.EMAIL_CODE_LIFETIME,
        )
        send_security_email(
            user=user,
            event=f"code_{purpose}",
            request=request,
            code=code,
            minutes=int(conf.EMAIL_CODE_LIFETIME.total_seconds() // 60),
            **mail_context,
        )
    logger.info("Sent an email code (%s) to user %s", purpose, user.pk)
    return mask_email(user.email)


@sensitive_variables()
def redeem_code(*, user, purpose, code, binding="", request=None) -> None:
    """Use the current code of `purpose`; raise `TwoStepError` if it fails.

    Tries and failures are written even when it fails, also inside an outer
    transaction, as long as the caller does not roll that back.
    """
    conf = two_step_settings()
    code = normalize_code(code)
    ensure_not_locked(user=user)
    now = timezone.now()
    current = (
        EmailCode.objects.filter(user=user, purpose=purpose, binding=binding)
        .order_by("-created_at")
        .first()
    )
    if current is None:
        raise TwoStepError("code_missing")
    if current.status == Status.USED:
        raise TwoStepError("code_used")
    if current.status == Status.REPLACED or current.expires_at <= now:
        raise TwoStepError("code_expired")
    if current.attempts >= conf.EMAIL_CODE_MAX_ATTEMPTS:
        raise TwoStepError("code_spent")
    candidate = _hash(user=user, purpose=purpose, binding=binding, code=code)
    if not constant_time_compare(candidate, current.code_hash) and (
        EmailCode.objects.filter(
            user=user,
            purpose=purpose,
            binding=binding,
            status=Status.REPLACED,
            code_hash=candidate,
            expires_at__gt=now,
        ).exists()
    ):
        # A code from an earlier email of this same sign-in: say so, and do
        # not spend a try of the newest code on it.
        raise TwoStepError("code_replaced")

    with transaction.atomic():
        reserved = EmailCode.objects.filter(
            pk=current.pk, status=Status.LIVE, attempts__lt=conf.EMAIL_CODE_MAX_ATTEMPTS
        ).update(attempts=F("attempts") + 1)
        if not reserved:
            error = _refusal_for(current.pk)
        elif constant_time_compare(candidate, current.code_hash):
            used = EmailCode.objects.filter(pk=current.pk, status=Status.LIVE).update(
                status=Status.USED, used_at=now
            )
            if used:
                record_success(user=user)
                return
            error = TwoStepError("code_used")
        else:
            locked = record_failure(user=user, request=request)
            attempts = EmailCode.objects.values_list("attempts", flat=True).get(
                pk=current.pk
            )
            left = max(0, conf.EMAIL_CODE_MAX_ATTEMPTS - attempts)
            if locked is not None:
                error = locked
            elif left:
                error = TwoStepError("code_wrong", attempts_left=left)
            else:
                error = TwoStepError("code_spent")
    raise error


def _refusal_for(pk) -> TwoStepError:
    status = EmailCode.objects.values_list("status", flat=True).get(pk=pk)
    return TwoStepError("code_used" if status == Status.USED else "code_spent")
