from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from devtools.models import OutboxMessage
from security.access import ALL_STAGES, open_during


@open_during(*ALL_STAGES)
def show_outbox(request):
    """Every email the app sent, for development only; absent without DEBUG."""
    if not settings.DEBUG:
        raise Http404
    return render(
        request,
        "devtools/outbox/show.html",
        {"messages_sent": OutboxMessage.objects.all()[:100]},
    )
