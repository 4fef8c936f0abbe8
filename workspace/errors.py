"""Every error a person can meet managing a workspace, keyed by a code.

Operations raise `WorkspaceError("last_admin", workspace="Acme")`; the
message is rendered from this table, and tests assert on the key.
"""

from kommo2fa.errors import KeyedError

MESSAGES = {
    "not_admin": (
        "Only admins of {workspace} can do this. Ask one of its admins for help."
    ),
    "period_missing": (
        "Choose a compliance period: a whole number of days from 1 to 10."
    ),
    "period_not_whole": (
        "The compliance period must be a whole number of days, from 1 to 10."
    ),
    "period_out_of_range": "The compliance period must be from 1 to 10 days.",
    "period_not_of_code": (
        "The code we emailed you is for a compliance period of {days} "
        "{days|day:days}. Confirm with {days} {days|day:days}, or send a new code "
        "for the period you want."
    ),
    "name_control_characters": (
        "A name cannot contain line breaks, tabs or other control characters. "
        "Type it on one line."
    ),
    "policy_needs_two_step": (
        "Turn on your own two-step verification first, in Profile settings → "
        "Security. Only admins whose two-step verification is Active can change "
        "the mandatory policy."
    ),
    "policy_already_on": ("Two-step verification is already mandatory in {workspace}."),
    "policy_already_off": ("Two-step verification is already optional in {workspace}."),
    "last_admin": (
        "{workspace} needs at least one admin. Make another member an admin first."
    ),
    "member_missing": "That person is no longer a member of this workspace.",
    "already_member": "{email} is already a member of this workspace.",
    "invitation_invalid": (
        "This invitation link is not valid. Check that you opened the whole "
        "link, or ask an admin of the workspace for a new invitation."
    ),
    "invitation_used": (
        "This invitation was already used. Sign in to reach the workspace, or "
        "ask an admin for a new invitation."
    ),
    "invitation_expired": (
        "This invitation has expired. Ask an admin of the workspace for a new one."
    ),
    "invitation_other_email": (
        "This invitation is for {email}, not for the account you are signed in "
        "with. Sign out and open the link again, or ask for an invitation to "
        "your own address."
    ),
}


class WorkspaceError(KeyedError):
    """A refusal of the workspace flows, keyed by its code."""

    messages = MESSAGES


render = WorkspaceError.render
