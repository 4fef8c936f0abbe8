from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-up/", views.sign_up, name="sign_up"),
    path("sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("password-reset/", views.ResetPasswordView.as_view(), name="reset_password"),
    path(
        "password-reset/sent/",
        views.ResetPasswordSentView.as_view(),
        name="reset_password_sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.ConfirmResetPasswordView.as_view(),
        name="confirm_reset_password",
    ),
    path(
        "password-reset/complete/",
        views.ResetPasswordCompleteView.as_view(),
        name="reset_password_complete",
    ),
    path("settings/profile/", views.edit_profile, name="edit_profile"),
    path("settings/password/", views.change_password, name="change_password"),
    path("settings/email/", views.change_email, name="change_email"),
    path(
        "settings/email/confirm/<str:token>/", views.confirm_email, name="confirm_email"
    ),
]
