from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """An email the app sent while DEBUG is on, for the dev outbox page."""

    to = models.CharField(max_length=500)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.subject} → {self.to}"
