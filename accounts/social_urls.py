"""Only the allauth pages social sign-in needs.

Our own sign-in, sign-up and password pages stay the only ones: allauth's
names for them redirect there, and its duplicate account pages are not
served.
"""

from django.urls import include, path
from django.views.generic import RedirectView

from allauth.urls import build_provider_urlpatterns


def _to(pattern_name):
    return RedirectView.as_view(pattern_name=pattern_name, query_string=True)


urlpatterns = [
    path("accounts/login/", _to("accounts:sign_in"), name="account_login"),
    path("accounts/signup/", _to("accounts:sign_up"), name="account_signup"),
    path("accounts/inactive/", _to("accounts:sign_in"), name="account_inactive"),
    path("accounts/3rdparty/", include("allauth.socialaccount.urls")),
    path("accounts/", include(build_provider_urlpatterns())),
]
