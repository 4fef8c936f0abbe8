"""Slowing down password guessing.

Counters live in the cache, one per address and client IP together, one per
address alone and one per IP alone. The first is the tight one: whoever
guesses one account from one place is stopped after a few tries, without
letting anyone elsewhere lock its owner out. The looser two stop guessing
spread over many places or many accounts. A right password clears the
address's counters.
"""

import hashlib
import logging
import time

from django.core.cache import cache
from django.views.decorators.debug import sensitive_variables

from kommo2fa.request_info import client_ip

logger = logging.getLogger(__name__)

MAX_FAILURES_PER_EMAIL_AND_IP = 10
MAX_FAILURES_PER_EMAIL = 100
MAX_FAILURES_PER_IP = 50
WINDOW_SECONDS = 15 * 60


def _key(kind, value) -> str:
    digest = hashlib.sha256(str(value).encode()).hexdigest()[:32]
    return f"signin-throttle:{kind}:{digest}"


def _counters(email, ip):
    if email and ip:
        yield "email_ip", f"{email} {ip}", MAX_FAILURES_PER_EMAIL_AND_IP
    if email:
        yield "email", email, MAX_FAILURES_PER_EMAIL
    if ip:
        yield "ip", ip, MAX_FAILURES_PER_IP


def retry_after(*, email, ip) -> int:
    """Seconds until sign-in may be tried again; 0 when it may now."""
    wait = 0
    for kind, value, limit in _counters(email, ip):
        key = _key(kind, value)
        if cache.get(key, 0) >= limit:
            started = cache.get(key + ":since", time.time())
            left = int(started + WINDOW_SECONDS - time.time()) + 1
            wait = max(wait, min(WINDOW_SECONDS, max(1, left)))
    return wait


def record_failure(*, email, ip) -> None:
    for kind, value, limit in _counters(email, ip):
        key = _key(kind, value)
        if cache.add(key, 0, WINDOW_SECONDS):
            cache.set(key + ":since", time.time(), WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)
            count = 1
        if count == limit:
            logger.warning(
                "Sign-in throttled for one %s after %s failures", kind, count
            )


def record_success(*, email, ip=None) -> None:
    for kind, value, _ in _counters(email, ip):
        if kind != "ip":
            cache.delete_many([_key(kind, value), _key(kind, value) + ":since"])


@sensitive_variables()
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
        record_success(email=user.email, ip=ip)
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
