from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("security.urls")),
    path("", include("workspace.urls")),
    path("", include("devtools.urls")),
    path("", include("accounts.social_urls")),
    path("", include("api.urls")),
    path("admin/", admin.site.urls),
]
