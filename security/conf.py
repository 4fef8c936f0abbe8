"""The security app's settings, read lazily with typed defaults.

Override any of them with a `TWO_STEP` dict in the Django settings, e.g.
`TWO_STEP = {"EMAIL_CODE_LIFETIME": timedelta(minutes=5)}`.
"""

from dataclasses import dataclass
from datetime import timedelta

from kommo2fa.conf import read_app_settings


@dataclass(frozen=True)
class TwoStepSettings:
    EMAIL_CODE_LIFETIME: timedelta = timedelta(minutes=10)
    EMAIL_CODE_MAX_ATTEMPTS: int = 5
    EMAIL_CODE_RESEND_WAIT: timedelta = timedelta(seconds=60)
    EMAIL_CODE_WINDOW: timedelta = timedelta(minutes=15)
    EMAIL_CODE_MAX_PER_WINDOW: int = 5
    LOCKOUT_THRESHOLD: int = 10
    LOCKOUT_DURATION: timedelta = timedelta(minutes=15)
    PENDING_SIGN_IN_LIFETIME: timedelta = timedelta(minutes=10)
    PASSWORD_CONFIRMATION_LIFETIME: timedelta = timedelta(minutes=10)
    BACKUP_CODE_COUNT: int = 10
    SESSION_LAST_SEEN_INTERVAL: timedelta = timedelta(minutes=5)


def two_step_settings() -> TwoStepSettings:
    return read_app_settings(TwoStepSettings, "TWO_STEP")
