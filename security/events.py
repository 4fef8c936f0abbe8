"""The audit trail of security events."""

from kommo2fa.request_info import client_ip, user_agent
from security.models import SecurityEvent

Kind = SecurityEvent.Kind


def record_event(
    *, kind, user=None, actor=None, workspace=None, request=None, **details
):
    """Write one audit row. `details` must never hold a secret."""
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        actor=actor if actor is not None else user,
        workspace=workspace,
        ip=client_ip(request),
        user_agent=user_agent(request),
        details=details,
    )
