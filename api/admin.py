from django.contrib import admin

from api.models import AppToken


@admin.register(AppToken)
class AppTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "device_name", "created_at", "last_used_at"]
    exclude = ["token_hash"]
    readonly_fields = ["user", "device_name", "created_at", "last_used_at"]
    search_fields = ["user__email", "device_name"]

    def has_add_permission(self, request):
        return False
