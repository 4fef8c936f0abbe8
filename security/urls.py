from django.urls import path

from security import views

app_name = "security"

urlpatterns = [
    path("sign-in/verify/", views.verify_second_step, name="verify_second_step"),
    path("sign-in/backup-code/", views.use_backup_code, name="use_backup_code"),
    path("settings/security/", views.show_security, name="show_security"),
    path("settings/security/enable/", views.enable_two_step, name="enable_two_step"),
    path("settings/security/disable/", views.disable_two_step, name="disable_two_step"),
    path("settings/security/set-up/", views.set_up_two_step, name="set_up_two_step"),
    path(
        "settings/security/backup-codes/",
        views.replace_backup_codes,
        name="replace_backup_codes",
    ),
    path(
        "settings/security/sessions/<int:session_id>/sign-out/",
        views.revoke_session,
        name="revoke_session",
    ),
]
