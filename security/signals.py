"""Signals for changes to an account's security.

Each is sent inside the transaction that makes the change, with `user` and
`request` (None outside a request), so receivers can revoke what must die.
"""

from django.dispatch import Signal

two_step_enabled = Signal()
two_step_disabled = Signal()
password_changed = Signal()
