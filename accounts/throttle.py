"""Slowing down password guessing, per address and per client IP.

Counters live in the cache: a failure bumps both, a success clears the
address's counter. Past the limit, sign-in is refused until the window ends.
"""

import hashlib
import logging

from django.core.cache import cache

from kommo2fa.request_info import client_ip

logger = logging.getLogger(__name__)

MAX_FAILURES_PER_EMAIL = 10
MAX_FAILURES_PER_IP = 50
WINDOW_SECONDS = 15 * 60


def _key(kind, value) -> str:
    digest = hashlib.sha256(str(value).encode()).hexdigest()[:32]
    return f"signin-throttle:{kind}:{digest}"


def retry_after(*, email, ip) -> int:
    """Seconds until sign-in may be tried again; 0 when it may now."""
    for kind, value, limit in (
        ("email", email, MAX_FAILURES_PER_EMAIL),
        ("ip", ip, MAX_FAILURES_PER_IP),
    ):
        if value and cache.get(_key(kind, value), 0) >= limit:
            return WINDOW_SECONDS
    return 0


def record_failure(*, email, ip) -> None:
    for kind, value in (("email", email), ("ip", ip)):
        if not value:
            continue
        key = _key(kind, value)
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)
            count = 1
        if count in (MAX_FAILURES_PER_EMAIL, MAX_FAILURES_PER_IP):
            logger.warning(
                "Sign-in throttled for one %s after %s failures", kind, count
            )


def record_success(*, email) -> None:
    cache.delete(_key("email", email))


def password_matches(*, user, password, request) -> bool | None:
    """Check a signed-in user's current password, counting wrong ones.

    Wrong passwords count with those of the sign-in form, so a stolen
    session cannot guess the password through a confirmation form either.
    Returns None while the account is throttled, without checking.
    """
    ip = client_ip(request)
    if retry_after(email=user.email, ip=ip):
        return None
    if user.check_password(password):
        record_success(email=user.email)
        return True
    record_failure(email=user.email, ip=ip)
    return False


MAX_RESET_EMAILS = 3
RESET_WINDOW_SECONDS = 60 * 60


def allow_reset_email(*, email) -> bool:
    """At most a few password-reset emails per address per hour.

    Anyone can ask for a reset, so without this an address could be flooded.
    """
    key = _key("reset", email)
    cache.add(key, 0, RESET_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, RESET_WINDOW_SECONDS)
        count = 1
    if count > MAX_RESET_EMAILS:
        logger.warning("Password reset emails throttled for one address")
        return False
    return True
