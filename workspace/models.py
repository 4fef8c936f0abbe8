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
