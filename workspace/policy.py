"""Turning a workspace's mandatory two-step verification on and off.

Either way an admin whose own two-step verification is Active asks for an
emailed code bound to the workspace (and, turning on, to the compliance
period), then confirms with it. Turning the
policy on starts a compliance period from that moment, also when it was on
before, and emails every member without two-step verification their
deadline.
"""

import logging

from django.db import transaction
from django.utils import timezone

from security import email_codes
from security.errors import TwoStepError
from security.events import Kind, record_event
from security.mail import site_url
from security.models import EmailCode
from security.second_step import two_step_enabled
from workspace.compliance import MAX_PERIOD_DAYS, MIN_PERIOD_DAYS
from workspace.errors import WorkspaceError
from workspace.models import Workspace
from workspace.tasks import notify_policy_enabled

logger = logging.getLogger(__name__)

Purpose = EmailCode.Purpose


def parse_compliance_period(raw) -> int:
    """A whole number of days from 1 to 10, or a refusal keyed by why."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise WorkspaceError("period_missing")
    if not text.isascii() or not text.isdigit():
        raise WorkspaceError("period_not_whole")
    # Python refuses to parse thousands of digits; anything past two is too big.
    if len(text.lstrip("0")) > 2:
        raise WorkspaceError("period_out_of_range")
    days = int(text)
    if not MIN_PERIOD_DAYS <= days <= MAX_PERIOD_DAYS:
        raise WorkspaceError("period_out_of_range")
    return days


def ensure_may_change_policy(*, membership) -> None:
    if not membership.is_admin:
        raise WorkspaceError("not_admin", workspace=membership.workspace.name)
    if not two_step_enabled(membership.user):
        raise WorkspaceError("policy_needs_two_step")


def _binding(workspace, *, days=None) -> str:
    """The code's binding: the workspace, and for turning on, the period.

    A code for turning on works only for the period it was sent for, which
    its email names, so no other period can be confirmed with it.
    """
    if days is None:
        return str(workspace.pk)
    return f"{workspace.pk}:{days}"


def pending_period(*, membership) -> int | None:
    """The period of the live code for turning the policy on, if any."""
    workspace = membership.workspace
    for binding in (
        EmailCode.objects.filter(
            user=membership.user,
            purpose=Purpose.POLICY_ON,
            binding__startswith=f"{workspace.pk}:",
            status=EmailCode.Status.LIVE,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .values_list("binding", flat=True)
    ):
        days = int(binding.partition(":")[2])
        if email_codes.live_code(
            user=membership.user,
            purpose=Purpose.POLICY_ON,
            binding=_binding(workspace, days=days),
        ):
            return days
    return None


def _ensure_state(workspace, *, turning_on) -> None:
    if turning_on and workspace.two_step_required:
        raise WorkspaceError("policy_already_on", workspace=workspace.name)
    if not turning_on and not workspace.two_step_required:
        raise WorkspaceError("policy_already_off", workspace=workspace.name)


def code_sent(*, membership, turning_on) -> bool:
    if turning_on:
        return pending_period(membership=membership) is not None
    return (
        email_codes.live_code(
            user=membership.user,
            purpose=Purpose.POLICY_OFF,
            binding=_binding(membership.workspace),
        )
        is not None
    )


def _scope(workspace, *, turning_on) -> str | None:
    """Codes for turning the policy on, whatever their period, replace each
    other and share one resend wait."""
    return f"{workspace.pk}:" if turning_on else None


def resend_available_in(*, membership, turning_on, period=None) -> int:
    return email_codes.resend_available_in(
        user=membership.user,
        purpose=Purpose.POLICY_ON if turning_on else Purpose.POLICY_OFF,
        binding=_binding(membership.workspace, days=period if turning_on else None),
        scope=_scope(membership.workspace, turning_on=turning_on),
    )


def send_policy_code(*, membership, turning_on, period=None, request=None) -> str:
    """Email the admin a code to confirm the change; returns where it went."""
    workspace = membership.workspace
    days = parse_compliance_period(period) if turning_on else None
    ensure_may_change_policy(membership=membership)
    _ensure_state(workspace, turning_on=turning_on)
    return email_codes.send_code(
        user=membership.user,
        purpose=Purpose.POLICY_ON if turning_on else Purpose.POLICY_OFF,
        binding=_binding(workspace, days=days),
        scope=_scope(workspace, turning_on=turning_on),
        request=request,
        workspace=workspace,
        compliance_period_days=days,
    )


def _ensure_code_is_for(*, membership, days) -> None:
    """Refuse a period other than the one the live code was sent for.

    The code would fail anyway, its binding names the period; this says why
    without spending one of its tries.
    """
    binding = _binding(membership.workspace, days=days)
    if email_codes.live_code(
        user=membership.user, purpose=Purpose.POLICY_ON, binding=binding
    ):
        return
    sent_for = pending_period(membership=membership)
    if sent_for is not None:
        raise WorkspaceError("period_not_of_code", days=sent_for)


def _confirm(*, membership, purpose, binding, code, request, change) -> Workspace:
    """Redeem the code and apply `change` to the locked workspace row.

    A wrong code is raised only after the transaction, so its counted try
    is kept.
    """
    email_codes.normalize_code(code)
    ensure_may_change_policy(membership=membership)
    refusal = None
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(
            pk=membership.workspace_id
        )
        _ensure_state(workspace, turning_on=purpose == Purpose.POLICY_ON)
        try:
            email_codes.redeem_code(
                user=membership.user,
                purpose=purpose,
                binding=binding,
                code=code,
                request=request,
            )
        except TwoStepError as error:
            refusal = error
        else:
            change(workspace)
    if refusal is not None:
        raise refusal
    membership.workspace = workspace
    return workspace


def enable_policy(*, membership, period, code, request=None) -> Workspace:
    """Make two-step verification mandatory, from now, for `period` days."""
    days = parse_compliance_period(period)
    _ensure_code_is_for(membership=membership, days=days)
    admin = membership.user

    def turn_on(workspace):
        workspace.two_step_required_since = timezone.now()
        workspace.compliance_period_days = days
        workspace.save(
            update_fields=["two_step_required_since", "compliance_period_days"]
        )
        record_event(
            kind=Kind.POLICY_ENABLED,
            user=admin,
            actor=admin,
            workspace=workspace,
            request=request,
            compliance_period_days=days,
        )
        since = workspace.two_step_required_since.isoformat()
        base_url = site_url(request)
        transaction.on_commit(
            lambda: notify_policy_enabled.enqueue(
                workspace_id=workspace.pk, required_since=since, base_url=base_url
            )
        )

    workspace = _confirm(
        membership=membership,
        purpose=Purpose.POLICY_ON,
        binding=_binding(membership.workspace, days=days),
        code=code,
        request=request,
        change=turn_on,
    )
    logger.info(
        "User %s made two-step verification mandatory in workspace %s (%s days)",
        admin.pk,
        workspace.pk,
        days,
    )
    return workspace


def disable_policy(*, membership, code, request=None) -> Workspace:
    """Make two-step verification optional again; deadlines no longer apply."""
    admin = membership.user

    def turn_off(workspace):
        workspace.two_step_required_since = None
        workspace.save(update_fields=["two_step_required_since"])
        record_event(
            kind=Kind.POLICY_DISABLED,
            user=admin,
            actor=admin,
            workspace=workspace,
            request=request,
        )

    workspace = _confirm(
        membership=membership,
        purpose=Purpose.POLICY_OFF,
        binding=_binding(membership.workspace),
        code=code,
        request=request,
        change=turn_off,
    )
    logger.info(
        "User %s made two-step verification optional in workspace %s",
        admin.pk,
        workspace.pk,
    )
    return workspace
