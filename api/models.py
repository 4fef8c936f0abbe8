from django.conf import settings
from django.db import models
from django.utils import timezone


class AppToken(models.Model):
    """A signed-in device of the mobile app; deleting the row signs it out.

    Only a SHA-256 hash of the token is kept: the token itself is 256 random
    bits, so a fast hash is as good as a slow one against guessing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_tokens"
    )
    device_name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "device_name"], name="api_app_token_one_per_device"
            ),
        ]

    def __str__(self):
        return f"app token of user {self.user_id} on {self.device_name}"


class SignInChallenge(models.Model):
    """A pending sign-in of the app, waiting for the second step.

    The app holds the challenge; only its hash is kept here. It proves the
    password was right, and nothing more: it opens no other endpoint.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="app_sign_in_challenges",
    )
    device_name = models.CharField(max_length=100)
    challenge_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"app sign-in of user {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def code_binding(self) -> str:
        """What the emailed code is tied to: this challenge, by its id."""
        return f"api-challenge:{self.pk}"
