from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from security import second_step, sessions
from security.events import Kind, record_event
from security.signals import password_changed


@receiver(user_logged_in, dispatch_uid="security.start_sign_in")
def start_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    second_step.begin_sign_in(request=request, user=user)
    sessions.register_session(request=request, user=user)
    record_event(kind=Kind.SIGNED_IN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="security.end_session")
def end_session(sender, request, user, **kwargs):
    if request is not None:
        sessions.forget_session(request)


@receiver(password_changed, dispatch_uid="security.sign_out_elsewhere")
def sign_out_elsewhere(sender, user, request=None, **kwargs):
    sessions.revoke_other_sessions(user=user, request=request)
