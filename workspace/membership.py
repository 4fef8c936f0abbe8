"""Writes on workspaces and their members."""

import logging

from django.db import transaction

from security.events import Kind, record_event
from workspace.errors import WorkspaceError
from workspace.models import Membership, Workspace

logger = logging.getLogger(__name__)

Role = Membership.Role


@transaction.atomic
def create_workspace(*, name, owner, time_zone="UTC") -> Workspace:
    """Make a workspace whose first member, `owner`, is its admin."""
    workspace = Workspace.objects.create(name=name, time_zone=time_zone)
    Membership.objects.create(
        workspace=workspace, user=owner, role=Membership.Role.ADMIN
    )
    return workspace


def update_workspace(*, workspace, name, time_zone, actor, request=None) -> Workspace:
    with transaction.atomic():
        before = Workspace.objects.values("name", "time_zone").get(pk=workspace.pk)
        workspace.name = name
        workspace.time_zone = time_zone
        workspace.save(update_fields=["name", "time_zone"])
        changed = {
            field: {"before": before[field], "after": value}
            for field, value in (("name", name), ("time_zone", time_zone))
            if before[field] != value
        }
        if changed:
            record_event(
                kind=Kind.WORKSPACE_UPDATED,
                actor=actor,
                workspace=workspace,
                request=request,
                **changed,
            )
    return workspace


def _locked_member(*, workspace, membership_id):
    """The member, with the workspace row locked so admin counts hold."""
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
    member = (
        Membership.objects.select_related("user")
        .filter(workspace=workspace, pk=membership_id)
        .first()
    )
    if member is None:
        raise WorkspaceError("member_missing")
    return member


def _ensure_not_last_admin(*, workspace, member) -> None:
    if not member.is_admin:
        return
    others = (
        Membership.objects.filter(workspace=workspace, role=Role.ADMIN)
        .exclude(pk=member.pk)
        .exists()
    )
    if not others:
        raise WorkspaceError("last_admin", workspace=workspace.name)


def change_role(*, workspace, membership_id, role, actor, request=None) -> Membership:
    """Make a member an admin or a member; the last admin stays one."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    with transaction.atomic():
        member = _locked_member(workspace=workspace, membership_id=membership_id)
        if member.role == role:
            return member
        if role != Role.ADMIN:
            _ensure_not_last_admin(workspace=workspace, member=member)
        previous = member.role
        member.role = role
        member.save(update_fields=["role"])
        record_event(
            kind=Kind.ROLE_CHANGED,
            user=member.user,
            actor=actor,
            workspace=workspace,
            request=request,
            role_before=previous,
            role_after=role,
        )
    logger.info(
        "User %s made user %s %s in workspace %s",
        actor.pk,
        member.user_id,
        role,
        workspace.pk,
    )
    return member


def remove_member(*, workspace, membership_id, actor, request=None) -> Membership:
    """Take a member out of the workspace; the last admin cannot be removed."""
    with transaction.atomic():
        member = _locked_member(workspace=workspace, membership_id=membership_id)
        _ensure_not_last_admin(workspace=workspace, member=member)
        member.delete()
        record_event(
            kind=Kind.MEMBER_REMOVED,
            user=member.user,
            actor=actor,
            workspace=workspace,
            request=request,
            role=member.role,
        )
    logger.info(
        "User %s removed user %s from workspace %s",
        actor.pk,
        member.user_id,
        workspace.pk,
    )
    return member
