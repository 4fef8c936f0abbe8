"""Single-use backup codes for signing in without the mailbox.

A code is 16 characters of Crockford's base32 (80 bits from `secrets`),
shown in groups of four. Each is stored as a salted PBKDF2 hash. With 80
bits of entropy, stretching buys nothing against guessing, so the iteration
count is kept low enough to check all ten codes in a few milliseconds.
"""

import hashlib
import hmac
import logging
import re
import secrets

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from security.conf import two_step_settings
from security.errors import TwoStepError
from security.events import Kind, record_event
from security.lockout import ensure_not_locked, record_failure, record_success
from security.mail import send_security_email
from security.models import BackupCode

logger = logging.getLogger(__name__)

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16
_ITERATIONS = 1000
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Dashes of any width, as word processors and phones turn "-" into them.
_SEPARATORS = re.compile("[\\s\\-\u2013\u2014]+")


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@sensitive_variables()
def normalize_code(raw) -> str:
    code = _SEPARATORS.sub("", str(raw or "")).upper().translate(_LOOKALIKES)
    if len(code) != LENGTH or any(char not in ALPHABET for char in code):
        raise TwoStepError("backup_code_format")
    return code


@sensitive_variables()
def _digest(code: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", code.encode(), salt, _ITERATIONS)


@sensitive_variables()
def _hash(code: str) -> str:
    salt = secrets.token_bytes(16)
    return f"pbkdf2_sha256${_ITERATIONS}${salt.hex()}${_digest(code, salt).hex()}"


@sensitive_variables()
def _matches(code: str, stored: str) -> bool:
    _, iterations, salt, digest = stored.split("$")
    candidate = hashlib.pbkdf2_hmac(
        "sha256", code.encode(), bytes.fromhex(salt), int(iterations)
    )
    return hmac.compare_digest(candidate.hex(), digest)


@sensitive_variables()
def replace_codes(*, user) -> list[str]:
    """Void any old set and make a fresh one; returns the codes, formatted."""
    count = two_step_settings().BACKUP_CODE_COUNT
    codes = [
        "".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(count)
    ]
    with transaction.atomic():
        BackupCode.objects.filter(user=user).delete()
        BackupCode.objects.bulk_create(
            BackupCode(user=user, code_hash=_hash(code)) for code in codes
        )
    return [format_code(code) for code in codes]


def void_codes(*, user) -> None:
    BackupCode.objects.filter(user=user).delete()


def codes_left(*, user) -> int:
    return BackupCode.objects.filter(user=user, used_at__isnull=True).count()


@sensitive_variables()
def redeem_backup_code(*, user, code, request=None) -> int:
    """Use one backup code; returns how many remain, or raises."""
    code = normalize_code(code)
    ensure_not_locked(user=user)
    unused = list(BackupCode.objects.filter(user=user, used_at__isnull=True))
    match = next((row for row in unused if _matches(code, row.code_hash)), None)
    if match is None:
        raise record_failure(user=user, request=request) or TwoStepError(
            "backup_code_wrong"
        )

    with transaction.atomic():
        used = BackupCode.objects.filter(pk=match.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not used:
            raise TwoStepError("backup_code_used")
        record_success(user=user)
        left = codes_left(user=user)
        record_event(
            kind=Kind.BACKUP_CODE_USED, user=user, request=request, codes_left=left
        )
        send_security_email(
            user=user, event="backup_code_used", request=request, codes_left=left
        )
    logger.info("User %s used a backup code; %s left", user.pk, left)
    return left
