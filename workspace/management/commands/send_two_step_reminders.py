from django.core.management.base import BaseCommand

from workspace.reminders import send_two_step_reminders


class Command(BaseCommand):
    help = (
        "Remind members without two-step verification of a mandatory deadline, "
        "3 days and 1 day before it. Safe to run more than once, or at once."
    )

    def handle(self, *args, **options):
        sent = send_two_step_reminders()
        self.stdout.write(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
