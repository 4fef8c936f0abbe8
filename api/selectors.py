"""Reads for the API and for the signed-in devices on the Security page."""

from api.tokens import tokens_of
from security import backup_codes
from security.lockout import two_step_for
from workspace.compliance import earliest_deadline
from workspace.models import Membership


def me(user) -> dict:
    state = two_step_for(user)
    deadline, _ = earliest_deadline(user)
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("workspace")
        .order_by("workspace__name", "workspace_id")
    )
    return {
        "email": user.email,
        "name": user.name,
        "workspaces": [
            {"id": m.workspace_id, "name": m.workspace.name, "role": m.role}
            for m in memberships
        ],
        "two_step": {
            "enabled": state.is_enabled,
            "enabled_at": state.enabled_at,
            "backup_codes_left": (
                backup_codes.codes_left(user=user) if state.is_enabled else 0
            ),
            "required_by": None if state.is_enabled else deadline,
        },
    }


def signed_in_apps(user) -> list:
    return list(tokens_of(user))
