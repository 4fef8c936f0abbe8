"""Work that may touch every member, run off the request."""

import logging

from django.db.models import Prefetch
from django.tasks import task
from django.utils import timezone

from workspace.compliance import (
    deadline_for,
    earliest_deadline,
    mandatory_memberships_of_anyone,
)
from workspace.mail import send_member_email
from workspace.models import Membership, Workspace

logger = logging.getLogger(__name__)


@task
def notify_policy_enabled(*, workspace_id, required_since, base_url=None):
    """Email each member without two-step verification their deadline.

    Does nothing if the policy was turned off, or on again, since it was
    queued: a later period sends its own notices.
    """
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if (
        workspace is None
        or workspace.two_step_required_since is None
        or workspace.two_step_required_since.isoformat() != required_since
    ):
        return 0
    members = (
        Membership.objects.filter(
            workspace=workspace, user__two_step__enabled_at__isnull=True
        )
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__memberships",
                queryset=mandatory_memberships_of_anyone(),
                to_attr="mandatory",
            )
        )
        .order_by("pk")
    )
    now = timezone.now()
    sent = 0
    for member in members.iterator(chunk_size=2000):
        # A member already under the policy elsewhere follows the earliest
        # deadline, so a later date for this workspace would mislead them.
        earliest, strictest = earliest_deadline(
            member.user, memberships=member.user.mandatory
        )
        deadline = deadline_for(workspace=workspace, joined_at=member.joined_at)
        elsewhere = strictest if earliest is not None and earliest < deadline else None
        send_member_email(
            user=member.user,
            workspace=workspace,
            event="policy_enabled",
            base_url=base_url,
            deadline=earliest if elsewhere else deadline,
            deadline_workspace=elsewhere.workspace if elsewhere else None,
            overdue_elsewhere=elsewhere is not None and earliest <= now,
        )
        sent += 1
    logger.info("Told %s members of workspace %s their deadline", sent, workspace_id)
    return sent
