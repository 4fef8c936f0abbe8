from django.contrib import admin

from workspace.models import Membership, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "two_step_required_since"]
    inlines = [MembershipInline]
