from django.urls import path, re_path

from drf_spectacular.views import SpectacularAPIView

from api import schema, views, web_views  # noqa: F401 (schema registers Bearer)
from api.negotiation import JSONUnlessAsked
from security.access import ALL_STAGES, open_during

app_name = "api"

urlpatterns = [
    path("api/v1/auth/login", views.LoginView.as_view(), name="sign_in"),
    path("api/v1/auth/verify", views.VerifyView.as_view(), name="verify_sign_in"),
    path("api/v1/auth/resend", views.ResendView.as_view(), name="resend_code"),
    path("api/v1/auth/logout", views.LogoutView.as_view(), name="sign_out"),
    path("api/v1/me", views.MeView.as_view(), name="show_me"),
    path("api/v1/me/two-step", views.TwoStepView.as_view(), name="change_two_step"),
    path(
        "api/v1/schema",
        open_during(*ALL_STAGES)(
            SpectacularAPIView.as_view(
                authentication_classes=[],
                permission_classes=[],
                content_negotiation_class=JSONUnlessAsked,
            )
        ),
        name="show_schema",
    ),
    re_path(r"^api/", views.not_found),
    path(
        "settings/security/apps/<int:token_id>/sign-out/",
        web_views.revoke_app_token,
        name="revoke_app_token",
    ),
]
