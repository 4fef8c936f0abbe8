from django.urls import path

from devtools import views

app_name = "devtools"

urlpatterns = [
    path("dev/outbox/", views.show_outbox, name="show_outbox"),
]
