"""The project's URLs plus an API view that nobody opened at any stage."""

from django.http import JsonResponse
from django.urls import path

from kommo2fa.urls import urlpatterns as project_urlpatterns


def closed_api_view(request):
    return JsonResponse({"secret": "reached"})


urlpatterns = [path("api/closed/", closed_api_view), *project_urlpatterns]
