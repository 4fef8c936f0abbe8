"""Every error a person can meet in the security flows, keyed by a code.

Views and forms raise `TwoStepError("code_wrong", attempts_left=3)`; the
message is rendered from this table, and tests assert on the key.
"""

from kommo2fa.errors import KeyedError

MESSAGES = {
    "code_format": "Enter the 6-digit code from the email, digits only.",
    "code_required": (
        "Enter the 6-digit code from the email. No email yet? Press Send code."
    ),
    "code_missing": "There is no code to check yet. Press Send code to get one.",
    "code_wrong": (
        "That code is not right. You have {attempts_left} more "
        "{attempts_left|try:tries} with this code."
    ),
    "code_spent": (
        "That code has had too many wrong tries and no longer works. "
        "Ask for a new code."
    ),
    "code_expired": "That code has expired. Ask for a new code.",
    "code_used": "That code was already used. Ask for a new code.",
    "code_replaced": (
        "That code was replaced by a newer one. Use the code in the most recent email."
    ),
    "resend_wait": (
        "Please wait {seconds} {seconds|second:seconds} before asking for another code."
    ),
    "too_many_codes": (
        "Too many codes were sent recently. Try again in {minutes} "
        "{minutes|minute:minutes}."
    ),
    "locked": (
        "Too many wrong codes. The second step is locked for your safety; "
        "try again in {minutes} {minutes|minute:minutes}."
    ),
    "backup_code_format": (
        "Enter one of your backup codes: 16 letters and digits, as printed."
    ),
    "backup_code_wrong": "That backup code is not right, or it was already used.",
    "backup_code_used": "That backup code was already used. Try another one.",
    "already_enabled": (
        "Two-step verification is already on. If you did not save the backup "
        "codes shown when it was turned on, make a new set under New backup codes."
    ),
    "already_disabled": "Two-step verification is already off.",
    "password_wrong": "That password is not right. Enter your current password.",
    "password_throttled": (
        "Too many wrong passwords. Wait 15 minutes and try again, or reset your "
        "password."
    ),
    "password_required": (
        "Enter your current password first: changes to two-step verification need it."
    ),
    "password_confirmation_expired": (
        "Your password confirmation has expired. Enter your password again."
    ),
    "password_not_set": (
        "Your account has no password yet. Set a password first, then come back "
        "to change two-step verification."
    ),
    "mandatory_policy": (
        "Two-step verification is mandatory in {workspaces}, so it cannot be "
        "turned off."
    ),
    "sign_in_expired": "Your sign-in took too long. Please sign in again.",
}


class TwoStepError(KeyedError):
    """A refusal of the security flows, keyed by its code."""

    messages = MESSAGES


render = TwoStepError.render
