from django.contrib import admin

from security.models import SecurityEvent, TwoStep, UserSession


@admin.register(TwoStep)
class TwoStepAdmin(admin.ModelAdmin):
    list_display = ["user", "enabled_at", "failed_attempts", "locked_until"]
    readonly_fields = ["user", "enabled_at", "failed_attempts", "last_failure_at"]
    search_fields = ["user__email"]

    def has_add_permission(self, request):
        # A row is made with the user's first code; there is nothing to add.
        return False


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "ip", "created_at", "last_seen_at"]
    exclude = ["ref"]
    readonly_fields = ["user", "ip", "user_agent", "created_at", "last_seen_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "user", "actor", "workspace", "ip"]
    list_filter = ["kind"]
    search_fields = ["user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
