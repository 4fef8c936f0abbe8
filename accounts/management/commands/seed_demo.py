from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.signup import sign_up
from workspace.models import Membership

DEMO_PASSWORD = "demo-pass-2fa"  # noqa: S105 - printed on purpose for local use
ADMIN_EMAIL = "admin@demo.test"
MEMBER_EMAIL = "member@demo.test"


class Command(BaseCommand):
    help = "Create a demo workspace with an admin and a member, once."

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
        self.stdout.write(
            f"Demo accounts (password for both: {DEMO_PASSWORD}):\n"
            f"  admin:  {ADMIN_EMAIL}\n  member: {MEMBER_EMAIL}\n"
            "Open http://127.0.0.1:8000/ and read sent emails at "
            "http://127.0.0.1:8000/dev/outbox/"
        )
