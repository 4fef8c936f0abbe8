"""Inviting people to a workspace by email, and accepting once.

The link carries a random token; only its SHA-256 is stored. With 256 bits
of entropy a plain hash is enough: there is nothing to guess.
"""

import hashlib
import logging
import secrets

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, normalize_email
from kommo2fa.mail import send_email
from security.events import Kind, record_event
from security.mail import site_url
from workspace.conf import workspace_settings
from workspace.errors import WorkspaceError
from workspace.models import Invitation, Membership

logger = logging.getLogger(__name__)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_member(*, workspace, email, role, actor, request=None) -> Invitation:
    """Email `email` a link to join; an older pending link stops working."""
    email = normalize_email(email)
    if Membership.objects.filter(workspace=workspace, user__email=email).exists():
        raise WorkspaceError("already_member", email=email)
    now = timezone.now()
    token = secrets.token_urlsafe(32)

    with transaction.atomic():
        Invitation.objects.filter(
            workspace=workspace, email=email, accepted_at__isnull=True
        ).update(expires_at=now)
        invitation = Invitation.objects.create(
            workspace=workspace,
            email=email,
            role=role,
            token_hash=_hash(token),
            invited_by=actor,
            created_at=now,
            expires_at=now + workspace_settings().INVITATION_LIFETIME,
        )
        record_event(
            kind=Kind.MEMBER_INVITED,
            user=User.objects.filter(email=email).first(),
            actor=actor,
            workspace=workspace,
            request=request,
            invitation=invitation.pk,
            email=email,
            role=role,
        )
        context = {
            "workspace": workspace,
            "invitation": invitation,
            "inviter": actor,
            "accept_url": site_url(request)
            + reverse("workspace:open_invitation", args=[token]),
        }
        send_email(
            to=email,
            subject=render_to_string("workspace/email/invitation_subject.txt", context),
            body=render_to_string("workspace/email/invitation_body.txt", context),
        )
    logger.info(
        "User %s invited someone to workspace %s (invitation %s)",
        actor.pk,
        workspace.pk,
        invitation.pk,
    )
    return invitation


def find_invitation(*, token, now=None) -> Invitation:
    """The invitation behind a link, or a refusal that says why not."""
    invitation = (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(token_hash=_hash(token or ""))
        .first()
    )
    if invitation is None:
        raise WorkspaceError("invitation_invalid")
    if invitation.accepted_at is not None:
        raise WorkspaceError("invitation_used")
    if invitation.expires_at <= (now or timezone.now()):
        raise WorkspaceError("invitation_expired")
    return invitation


def account_exists(invitation) -> bool:
    return User.objects.filter(email=invitation.email).exists()


def _join(*, invitation, user, request) -> Membership:
    """Spend the invitation and add the member, or refuse if it was spent."""
    now = timezone.now()
    spent = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now, accepted_by=user)
    if not spent:
        raise WorkspaceError(
            "invitation_used"
            if Invitation.objects.filter(
                pk=invitation.pk, accepted_at__isnull=False
            ).exists()
            else "invitation_expired"
        )
    membership, created = Membership.objects.get_or_create(
        workspace=invitation.workspace,
        user=user,
        defaults={"role": invitation.role, "joined_at": now},
    )
    if created:
        record_event(
            kind=Kind.MEMBER_JOINED,
            user=user,
            workspace=invitation.workspace,
            request=request,
            invitation=invitation.pk,
            role=invitation.role,
        )
        logger.info("User %s joined workspace %s", user.pk, invitation.workspace_id)
    return membership


def accept_invitation(*, invitation, user, request=None) -> Membership:
    """An existing account accepts; only the invited address may."""
    if normalize_email(user.email) != invitation.email:
        raise WorkspaceError("invitation_other_email", email=invitation.email)
    with transaction.atomic():
        return _join(invitation=invitation, user=user, request=request)


def join_with_invitation(*, invitation, name, password, request=None) -> User:
    """A new person makes their account from the link and joins."""
    with transaction.atomic():
        if User.objects.filter(email=invitation.email).exists():
            raise WorkspaceError("invitation_used")
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            name=name,
            time_zone=invitation.workspace.time_zone,
        )
        _join(invitation=invitation, user=user, request=request)
    return user
