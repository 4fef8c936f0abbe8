from django.contrib import admin

from workspace.models import Invitation, Membership, TwoStepReminder, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "two_step_required_since"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "workspace", "role", "created_at", "accepted_at"]
    exclude = ["token_hash"]
    readonly_fields = ["invited_by", "accepted_by", "accepted_at"]
    search_fields = ["email"]


@admin.register(TwoStepReminder)
class TwoStepReminderAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "deadline", "days_before", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
