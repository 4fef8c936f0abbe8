"""Writes on workspaces and their members."""

from django.db import transaction

from workspace.models import Membership, Workspace


@transaction.atomic
def create_workspace(*, name, owner, time_zone="UTC") -> Workspace:
    """Make a workspace whose first member, `owner`, is its admin."""
    workspace = Workspace.objects.create(name=name, time_zone=time_zone)
    Membership.objects.create(
        workspace=workspace, user=owner, role=Membership.Role.ADMIN
    )
    return workspace
