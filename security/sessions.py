"""Signed-in browser sessions, so that any of them can be signed out.

Each session carries a reference to a `UserSession` row; the middleware
signs a session out as soon as its row is gone. Deleting rows therefore
ends sessions in any session store, without knowing their keys.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kommo2fa.request_info import client_ip, user_agent
from security.conf import two_step_settings
from security.models import UserSession

SESSION_REF = "security.session_ref"


def register_session(*, request, user) -> UserSession:
    # Rows of sessions that have long expired on their own go with the
    # next sign-in, so the list shows only browsers that may still be in.
    stale = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    UserSession.objects.filter(user=user, last_seen_at__lt=stale).delete()
    ref = secrets.token_urlsafe(32)
    row = UserSession.objects.create(
        user=user, ref=ref, ip=client_ip(request), user_agent=user_agent(request)
    )
    request.session[SESSION_REF] = ref
    return row


def current_session(request):
    ref = request.session.get(SESSION_REF)
    if not ref:
        return None
    return UserSession.objects.filter(ref=ref, user_id=request.user.pk).first()


def touch_session(row) -> None:
    now = timezone.now()
    if now - row.last_seen_at >= two_step_settings().SESSION_LAST_SEEN_INTERVAL:
        UserSession.objects.filter(pk=row.pk).update(last_seen_at=now)


def forget_session(request) -> None:
    ref = request.session.get(SESSION_REF) if hasattr(request, "session") else None
    if ref:
        UserSession.objects.filter(ref=ref).delete()


def revoke_other_sessions(*, user, request=None) -> int:
    """Sign out every session of `user` but the one making `request`."""
    keep = request.session.get(SESSION_REF) if request is not None else None
    deleted, _ = UserSession.objects.filter(user=user).exclude(ref=keep or "").delete()
    return deleted


def revoke_session(*, user, session_id) -> bool:
    deleted, _ = UserSession.objects.filter(user=user, pk=session_id).delete()
    return bool(deleted)


def sessions_of(user):
    return UserSession.objects.filter(user=user).order_by("-last_seen_at")
