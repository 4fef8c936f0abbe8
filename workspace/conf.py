"""The workspace app's settings, read lazily with typed defaults.

Override any of them with a `WORKSPACE` dict in the Django settings, e.g.
`WORKSPACE = {"INVITATION_LIFETIME": timedelta(days=3)}`.
"""

from dataclasses import dataclass
from datetime import timedelta

from kommo2fa.conf import read_app_settings


@dataclass(frozen=True)
class WorkspaceSettings:
    INVITATION_LIFETIME: timedelta = timedelta(days=7)
    MEMBERS_PER_PAGE: int = 50
    # Days before a deadline on which a member without two-step
    # verification is reminded, once each.
    REMINDER_DAYS: tuple[int, ...] = (3, 1)


def workspace_settings() -> WorkspaceSettings:
    return read_app_settings(WorkspaceSettings, "WORKSPACE")
