from django.core.mail.backends.console import EmailBackend as ConsoleBackend

from devtools.models import OutboxMessage


class OutboxEmailBackend(ConsoleBackend):
    """Prints each message, as the console backend does, and keeps a copy."""

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                to=", ".join(message.to), subject=message.subject, body=message.body
            )
            for message in email_messages
        )
        return sent
