"""The per-account lock on the second step after repeated wrong codes.

The state lives on `TwoStep`: wrong codes in a row, the last failure, and
the time the lock ends. Every change is a single conditional UPDATE so that
concurrent wrong guesses are all counted.
"""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from security.conf import two_step_settings
from security.errors import TwoStepError
from security.events import Kind, record_event
from security.mail import send_security_email
from security.models import TwoStep

logger = logging.getLogger(__name__)


def two_step_for(user) -> TwoStep:
    state, _ = TwoStep.objects.get_or_create(user=user)
    return state


def ensure_not_locked(*, user) -> None:
    now = timezone.now()
    locked_until = (
        TwoStep.objects.filter(user=user).values_list("locked_until", flat=True).first()
    )
    if locked_until and locked_until > now:
        minutes = max(1, -(-int((locked_until - now).total_seconds()) // 60))
        raise TwoStepError("locked", minutes=minutes, until=locked_until)


def record_failure(*, user, request=None) -> TwoStepError | None:
    """Count a wrong code; returns the refusal to give if it locked the step."""
    conf = two_step_settings()
    now = timezone.now()
    two_step_for(user)
    with transaction.atomic():
        TwoStep.objects.filter(user=user).update(
            failed_attempts=F("failed_attempts") + 1, last_failure_at=now
        )
        locked = (
            TwoStep.objects.filter(
                user=user, failed_attempts__gte=conf.LOCKOUT_THRESHOLD
            ).update(failed_attempts=0, locked_until=now + conf.LOCKOUT_DURATION)
            == 1
        )
        record_event(kind=Kind.SECOND_STEP_FAILED, user=user, request=request)
        if locked:
            logger.warning("Second step locked for user %s", user.pk)
            record_event(kind=Kind.LOCKED, user=user, request=request)
            minutes = int(conf.LOCKOUT_DURATION.total_seconds() // 60)
            send_security_email(
                user=user, event="locked", request=request, minutes=minutes
            )
            return TwoStepError(
                "locked", minutes=minutes, until=now + conf.LOCKOUT_DURATION
            )
    return None


def record_success(*, user) -> None:
    TwoStep.objects.filter(user=user, failed_attempts__gt=0).update(failed_attempts=0)
