from django.conf import settings
from django.db import models
from django.utils import timezone


class TwoStep(models.Model):
    """A user's two-step verification: whether it is on, and its lockout."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="two_step",
    )
    enabled_at = models.DateTimeField(null=True, blank=True)
    # Wrong codes in a row, across resends and kinds of code.
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "two-step verification"
        verbose_name_plural = "two-step verification"

    def __str__(self):
        return f"two-step verification of user {self.user_id}"

    @property
    def is_enabled(self) -> bool:
        return self.enabled_at is not None


class EmailCode(models.Model):
    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", "sign-in"
        ENABLE = "enable", "turning on two-step verification"
        DISABLE = "disable", "turning off two-step verification"
        POLICY_ON = "policy_on", "turning on mandatory two-step verification"
        POLICY_OFF = "policy_off", "turning off mandatory two-step verification"
        CHANGE_PASSWORD = "change_password", "changing the password"
        CHANGE_EMAIL = "change_email", "changing the email address"
        NEW_BACKUP_CODES = "new_backup_codes", "making new backup codes"

    class Status(models.TextChoices):
        LIVE = "live", "Live"
        USED = "used", "Used"
        REPLACED = "replaced", "Replaced by a newer code"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_codes"
    )
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    # What the code is tied to besides user and purpose: the pending sign-in
    # for sign-in codes, the workspace for policy codes.
    binding = models.CharField(max_length=64, blank=True)
    code_hash = models.CharField(max_length=128, editable=False)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.LIVE
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "created_at"])]

    def __str__(self):
        return f"{self.get_purpose_display()} code for user {self.user_id}"


class BackupCode(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backup_codes"
    )
    code_hash = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"backup code of user {self.user_id}"


class UserSession(models.Model):
    """A signed-in browser session; deleting the row signs the browser out."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions"
    )
    ref = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"session of user {self.user_id} since {self.created_at:%Y-%m-%d}"


class SecurityEvent(models.Model):
    """The audit trail: one row per security event, never a secret."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SECOND_STEP_PASSED = "second_step_passed", "Passed the second step"
        SECOND_STEP_FAILED = "second_step_failed", "Failed the second step"
        BACKUP_CODE_USED = "backup_code_used", "Used a backup code"
        BACKUP_CODES_REPLACED = "backup_codes_replaced", "Made new backup codes"
        LOCKED = "locked", "Second step locked"
        TWO_STEP_ENABLED = "two_step_enabled", "Turned on two-step verification"
        TWO_STEP_DISABLED = "two_step_disabled", "Turned off two-step verification"
        SESSION_REVOKED = "session_revoked", "Signed out a session"
        PASSWORD_CHANGED = "password_changed", "Changed the password"
        PROVIDER_LINKED = "provider_linked", "Linked a sign-in provider"
        PASSWORD_RESET = "password_reset", "Reset the password"
        EMAIL_CHANGED = "email_changed", "Changed the email address"
        WORKSPACE_UPDATED = "workspace_updated", "Changed workspace settings"
        POLICY_ENABLED = "policy_enabled", "Made two-step verification mandatory"
        POLICY_DISABLED = "policy_disabled", "Made two-step verification optional"
        MEMBER_INVITED = "member_invited", "Invited a member"
        MEMBER_JOINED = "member_joined", "Joined a workspace"
        ROLE_CHANGED = "role_changed", "Changed a member's role"
        MEMBER_REMOVED = "member_removed", "Removed a member"
        TOKEN_CREATED = "token_created", "Signed in on the app"
        TOKEN_REVOKED = "token_revoked", "Signed out the app"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    workspace = models.ForeignKey(
        "workspace.Workspace",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"
