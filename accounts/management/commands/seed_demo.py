from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.signup import sign_up
from security.models import TwoStep
from workspace.membership import create_workspace
from workspace.models import Membership, Workspace
from workspace.selectors import status_counts

DEMO_PASSWORD = "demo-pass-2fa"  # noqa: S105 - printed on purpose for local use
ADMIN_EMAIL = "admin@demo.test"
MEMBER_EMAIL = "member@demo.test"
OWNER_EMAIL = "owner@northwind.test"
OVERDUE_EMAIL = "overdue@northwind.test"
LARGE_WORKSPACE = "Northwind Sales"
# Northwind made two-step verification mandatory 10 days ago with 7 days to
# comply: early members are overdue, later joiners still have time.
POLICY_AGE = timedelta(days=10)
PERIOD_DAYS = 7

# (first name, status) of Northwind's people besides its owner and Ada.
PEOPLE = [
    *[(name, "active") for name in ["Alma", "Bruno", "Chen", "Dana", "Eli", "Farah"]],
    *[(name, "overdue") for name in ["Gus", "Hana", "Ivo", "Jun"]],
    *[(name, "required") for name in ["Kai", "Lea", "Milo", "Nina", "Omar"]],
    *[(name, "not_enabled") for name in ["Pia", "Quinn", "Rosa"]],
]


class Command(BaseCommand):
    help = (
        "Create the demo: a small workspace, and a larger one whose members "
        "are in every two-step verification status. Safe to run again."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        if not User.objects.filter(email=ADMIN_EMAIL).exists():
            admin = sign_up(
                email=ADMIN_EMAIL,
                password=DEMO_PASSWORD,
                name="Ada Admin",
                workspace_name="Demo workspace",
            )
            admin.is_staff = admin.is_superuser = True
            admin.save()
            member = User.objects.create_user(
                email=MEMBER_EMAIL, password=DEMO_PASSWORD, name="Max Member"
            )
            Membership.objects.create(
                workspace=admin.memberships.get().workspace, user=member
            )
            self.stdout.write("Created the demo workspace.")
        if not User.objects.filter(email=OWNER_EMAIL).exists():
            self._create_large_workspace()
            self.stdout.write(f"Created {LARGE_WORKSPACE}.")
        self._describe()

    def _create_large_workspace(self):
        now = timezone.now()
        password = make_password(DEMO_PASSWORD)
        owner = User.objects.create(
            email=OWNER_EMAIL, password=password, name="Nora Owner"
        )
        TwoStep.objects.create(user=owner, enabled_at=now - timedelta(days=30))
        workspace = create_workspace(
            name=LARGE_WORKSPACE, owner=owner, time_zone="Asia/Tokyo"
        )
        Membership.objects.filter(workspace=workspace).update(
            joined_at=now - timedelta(days=60)
        )
        workspace.two_step_required_since = now - POLICY_AGE
        workspace.compliance_period_days = PERIOD_DAYS
        workspace.save()

        ada = User.objects.get(email=ADMIN_EMAIL)
        demo = ada.memberships.order_by("joined_at", "pk").first().workspace
        Membership.objects.create(
            workspace=workspace, user=ada, role=Membership.Role.ADMIN
        )
        for index, (name, status) in enumerate(PEOPLE):
            email = (
                OVERDUE_EMAIL
                if status == "overdue" and name == "Gus"
                else f"{name.lower()}@northwind.test"
            )
            user = User.objects.create(
                email=email, password=password, name=f"{name} {status.title()[:1]}."
            )
            if status == "active":
                TwoStep.objects.create(
                    user=user, enabled_at=now - timedelta(days=index + 1)
                )
            joined = {
                "active": now - timedelta(days=40),
                "overdue": now - timedelta(days=20 + index),
                # Joined after the policy: 7 days from joining, 2-6 left.
                "required": now - timedelta(days=index - 9),
                "not_enabled": now - timedelta(days=30),
            }[status]
            if status == "not_enabled":
                # Only the demo workspace, whose policy is off, has them:
                # under a mandatory policy nobody is merely "not enabled".
                Membership.objects.create(workspace=demo, user=user, joined_at=joined)
                continue
            Membership.objects.create(workspace=workspace, user=user, joined_at=joined)
            if index % 3 == 0:
                Membership.objects.get_or_create(workspace=demo, user=user)

    def _describe(self):
        self.stdout.write(
            f"Demo accounts (password for all: {DEMO_PASSWORD}):\n"
            f"  admin:  {ADMIN_EMAIL} (admin of both workspaces)\n"
            f"  member: {MEMBER_EMAIL}\n"
            f"  {LARGE_WORKSPACE} owner, two-step verification on: {OWNER_EMAIL}\n"
            f"  a member past the deadline: {OVERDUE_EMAIL}"
        )
        labels = {
            "active": "Active",
            "not_enabled": "Not enabled",
            "required": "Required by a date",
            "overdue": "Overdue",
        }
        for workspace in Workspace.objects.order_by("name"):
            counts = status_counts(workspace=workspace)
            shown = ", ".join(
                f"{counts[key]} {label}" for key, label in labels.items() if counts[key]
            )
            policy = (
                f"mandatory, {workspace.compliance_period_days} days"
                if workspace.two_step_required
                else "optional"
            )
            self.stdout.write(
                f"  {workspace.name} ({policy}): {counts['all']} members: {shown}"
            )
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(f"Open {site}/ and read sent emails at {site}/dev/outbox/")
