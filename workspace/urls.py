from django.urls import path

from workspace import views

app_name = "workspace"

urlpatterns = [
    path("workspaces/switch/", views.switch_workspace, name="switch_workspace"),
    path(
        "workspaces/<int:workspace_id>/settings/",
        views.edit_workspace,
        name="edit_workspace",
    ),
    path(
        "workspaces/<int:workspace_id>/settings/policy/on/",
        views.enable_policy,
        name="enable_policy",
    ),
    path(
        "workspaces/<int:workspace_id>/settings/policy/off/",
        views.disable_policy,
        name="disable_policy",
    ),
    path(
        "workspaces/<int:workspace_id>/members/",
        views.list_members,
        name="list_members",
    ),
    path(
        "workspaces/<int:workspace_id>/members/export/",
        views.export_members,
        name="export_members",
    ),
    path(
        "workspaces/<int:workspace_id>/members/invite/",
        views.invite_member,
        name="invite_member",
    ),
    path(
        "workspaces/<int:workspace_id>/members/<int:membership_id>/role/",
        views.change_role,
        name="change_role",
    ),
    path(
        "workspaces/<int:workspace_id>/members/<int:membership_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    # Before the token pattern, which would also match "accept".
    path(
        "invitations/accept/",
        views.accept_invitation,
        name="accept_invitation",
    ),
    path(
        "invitations/<str:token>/",
        views.open_invitation,
        name="open_invitation",
    ),
]
