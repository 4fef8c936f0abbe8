"""Every way an app token dies besides signing out: see `api.tokens`."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.db.models.signals import post_delete
from django.dispatch import receiver

from api.tokens import revoke_all_tokens
from security.signals import password_changed, two_step_enabled
from workspace.models import Membership


@receiver(two_step_enabled, dispatch_uid="api.sign_out_apps_on_two_step_enabled")
def sign_out_apps_on_two_step_enabled(sender, user, request=None, **kwargs):
    revoke_all_tokens(user=user, request=request, reason="two_step_enabled")


@receiver(password_changed, dispatch_uid="api.sign_out_apps_on_password_changed")
def sign_out_apps_on_password_changed(sender, user, request=None, **kwargs):
    revoke_all_tokens(user=user, request=request, reason="password_changed")


def _deleting_user(origin) -> bool:
    user_model = get_user_model()
    if isinstance(origin, QuerySet):
        return origin.model is user_model
    return isinstance(origin, user_model)


@receiver(post_delete, sender=Membership, dispatch_uid="api.sign_out_apps_on_removal")
def sign_out_apps_on_removal(sender, instance, origin=None, **kwargs):
    # A deleted user's tokens go with the user; an audit row written now
    # would point at a user about to disappear.
    if _deleting_user(origin):
        return
    if not Membership.objects.filter(user_id=instance.user_id).exists():
        revoke_all_tokens(user=instance.user, reason="removed_from_last_workspace")
