from django.conf import settings
from django.db import models
from django.utils import timezone


class Workspace(models.Model):
    name = models.CharField(max_length=150)
    time_zone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(default=timezone.now)
    # The mandatory policy: on while `two_step_required_since` is set.
    two_step_required_since = models.DateTimeField(null=True, blank=True)
    compliance_period_days = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self):
        return self.name

    @property
    def two_step_required(self) -> bool:
        return self.two_step_required_since is not None


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user"], name="workspace_membership_unique"
            ),
        ]
        indexes = [models.Index(fields=["workspace", "joined_at"])]

    def __str__(self):
        return f"{self.user_id} in {self.workspace_id} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Invitation(models.Model):
    """An emailed link that lets one person join a workspace, once."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(max_length=254)
    role = models.CharField(
        max_length=16, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    # Only a hash of the link's token is kept, so a leaked table opens nothing.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["workspace", "email"])]

    def __str__(self):
        return f"invitation {self.pk} to workspace {self.workspace_id}"


class TwoStepReminder(models.Model):
    """A reminder sent before a deadline; the constraint makes it once only.

    The deadline is part of the key: turning the policy off and on again
    starts a new compliance period, which earns its own reminders.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="two_step_reminders"
    )
    deadline = models.DateTimeField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "deadline", "days_before"],
                name="workspace_two_step_reminder_once",
            ),
        ]

    def __str__(self):
        return f"{self.days_before}-day reminder for user {self.user_id}"
