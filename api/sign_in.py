"""Signing the app in: password, then the same second step as the web.

`sign_in` checks the password under the web's throttle and answers with a
token, or with a challenge when the second step is needed. `verify` and
`resend_code` take that challenge. Codes, limits, lockout and audit events
are the web's own (`security.email_codes`, `security.backup_codes`).
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts import throttle
from accounts.models import normalize_email
from api.errors import ApiError, from_two_step_error
from api.models import SignInChallenge
from api.tokens import hash_secret, issue_token
from kommo2fa.request_info import client_ip
from security import backup_codes, email_codes
from security.conf import two_step_settings
from security.errors import TwoStepError
from security.events import Kind, record_event
from security.mail import mask_email
from security.models import EmailCode
from security.second_step import two_step_enabled
from workspace.compliance import setup_overdue

logger = logging.getLogger(__name__)

CHALLENGE_PREFIX = "chl_"
Purpose = EmailCode.Purpose


# Limits on emailing codes that hold back the code but not the sign-in: the
# challenge still takes a backup code, or the code once the limit frees.
_HOLDS_BACK_CODE = {"resend_wait", "too_many_codes"}


@dataclass(frozen=True)
class Challenge:
    value: str
    email_hint: str
    expires_in: int
    # Why no code was emailed with this challenge; None when one was.
    held_back: TwoStepError | None = None


@sensitive_variables()
def sign_in(*, request, email, password, device_name) -> str | Challenge:
    """A token when no second step is needed, else a challenge.

    The challenge comes with an emailed code unless the limits on codes held
    it back (`Challenge.held_back`); then it takes a backup code.
    """
    email = normalize_email(email)
    ip = client_ip(request)
    wait = throttle.retry_after(email=email, ip=ip)
    if wait:
        raise ApiError("rate_limited", status_code=429, retry_after=wait)
    # Django's backend hashes the password even for an unknown address, so
    # both refusals take about the same time.
    user = authenticate(request, email=email, password=password)
    if user is None:
        throttle.record_failure(email=email, ip=ip)
        raise ApiError("invalid_credentials", status_code=401)
    throttle.record_success(email=email, ip=ip)

    if two_step_enabled(user):
        record_event(kind=Kind.SIGNED_IN, user=user, request=request, method="api")
        return _challenge(request=request, user=user, device_name=device_name)
    if setup_overdue(user):
        raise ApiError("two_step_setup_required", status_code=403)
    record_event(kind=Kind.SIGNED_IN, user=user, request=request, method="api")
    return issue_token(user=user, device_name=device_name, request=request)


def _challenge(*, request, user, device_name) -> Challenge:
    lifetime = two_step_settings().PENDING_SIGN_IN_LIFETIME
    value = CHALLENGE_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    held_back = None
    with transaction.atomic():
        # Challenges long past their lifetime open nothing; drop the user's.
        SignInChallenge.objects.filter(
            user=user, expires_at__lt=now - timedelta(days=1)
        ).delete()
        row = SignInChallenge.objects.create(
            user=user,
            device_name=device_name,
            challenge_hash=hash_secret(value),
            created_at=now,
            expires_at=now + lifetime,
        )
        try:
            email_codes.send_code(
                user=user,
                purpose=Purpose.SIGN_IN,
                binding=row.code_binding,
                request=request,
            )
        except TwoStepError as error:
            if error.code not in _HOLDS_BACK_CODE:
                # Leaving the block with an error drops the challenge too.
                raise from_two_step_error(error) from None
            held_back = error
    return Challenge(
        value=value,
        email_hint=mask_email(user.email),
        expires_in=int(lifetime.total_seconds()),
        held_back=held_back,
    )


def _live_challenge(value, *, for_update=False) -> SignInChallenge:
    rows = SignInChallenge.objects.select_related("user")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    row = rows.filter(
        challenge_hash=hash_secret(value),
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).first()
    if row is None or not row.user.is_active:
        raise ApiError("challenge_invalid")
    return row


@sensitive_variables()
def verify(*, request, challenge, code=None, backup_code=None) -> str:
    """Pass the second step with an emailed or a backup code; returns a token."""
    if code is not None:
        try:
            email_codes.normalize_code(code)
        except TwoStepError as error:
            raise from_two_step_error(error) from None
    refusal = None
    with transaction.atomic():
        row = _live_challenge(challenge, for_update=True)
        user = row.user
        try:
            if code is not None:
                email_codes.redeem_code(
                    user=user,
                    purpose=Purpose.SIGN_IN,
                    code=code,
                    binding=row.code_binding,
                    request=request,
                )
                method = "email_code"
            else:
                backup_codes.redeem_backup_code(
                    user=user, code=backup_code, request=request
                )
                method = "backup_code"
        except TwoStepError as error:
            # Tries and failures stay written; only the answer is a refusal.
            refusal = error
        else:
            SignInChallenge.objects.filter(pk=row.pk).update(used_at=timezone.now())
            record_event(
                kind=Kind.SECOND_STEP_PASSED,
                user=user,
                request=request,
                method=method,
                via="api",
            )
            token = issue_token(user=user, device_name=row.device_name, request=request)
    if refusal is not None:
        raise from_two_step_error(refusal)
    logger.info("User %s passed the second step in the app", user.pk)
    return token


def resend_code(*, request, challenge) -> int:
    """Email a new code for the challenge; returns seconds until the next."""
    row = _live_challenge(challenge)
    try:
        email_codes.send_code(
            user=row.user,
            purpose=Purpose.SIGN_IN,
            binding=row.code_binding,
            request=request,
        )
    except TwoStepError as error:
        raise from_two_step_error(error) from None
    return email_codes.resend_available_in(
        user=row.user, purpose=Purpose.SIGN_IN, binding=row.code_binding
    )
