"""App tokens: one per device, stored only as a hash, revocable anywhere."""

import hashlib
import logging
import secrets

from django.db import transaction
from django.utils import timezone

from api.models import AppToken
from security.events import Kind, record_event

logger = logging.getLogger(__name__)

PREFIX = "k2fa_"
TOKEN_TYPE = "Bearer"  # noqa: S105
# Writing `last_used_at` on every request would cost a write per call.
_LAST_USED_INTERVAL_SECONDS = 60


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def issue_token(*, user, device_name, request=None) -> str:
    """A new token for `device_name`, replacing that device's old one."""
    token = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        AppToken.objects.filter(user=user, device_name=device_name).delete()
        AppToken.objects.create(
            user=user, device_name=device_name, token_hash=hash_secret(token)
        )
        record_event(
            kind=Kind.TOKEN_CREATED, user=user, request=request, device=device_name
        )
    logger.info("Issued an app token to user %s", user.pk)
    return token


def find_token(raw: str):
    """The live token for `raw`, with its user, or None."""
    if not raw.startswith(PREFIX):
        return None
    return (
        AppToken.objects.select_related("user")
        .filter(token_hash=hash_secret(raw))
        .first()
    )


def touch_token(token) -> None:
    now = timezone.now()
    if (now - token.last_used_at).total_seconds() >= _LAST_USED_INTERVAL_SECONDS:
        AppToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def revoke_token(*, user, token_id, request=None) -> bool:
    deleted, _ = AppToken.objects.filter(user=user, pk=token_id).delete()
    if deleted:
        record_event(kind=Kind.TOKEN_REVOKED, user=user, request=request)
        logger.info("Signed out an app token of user %s", user.pk)
    return bool(deleted)


def revoke_all_tokens(*, user, request=None, reason) -> int:
    deleted, _ = AppToken.objects.filter(user=user).delete()
    if deleted:
        record_event(
            kind=Kind.TOKEN_REVOKED,
            user=user,
            request=request,
            reason=reason,
            tokens=deleted,
        )
        logger.info(
            "Signed out %s app tokens of user %s (%s)", deleted, user.pk, reason
        )
    return deleted


def tokens_of(user):
    return AppToken.objects.filter(user=user).order_by("-last_used_at")
