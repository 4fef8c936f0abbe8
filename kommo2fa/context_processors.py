from django.conf import settings


def debug_outbox(request):
    return {"debug_outbox": settings.DEBUG}
