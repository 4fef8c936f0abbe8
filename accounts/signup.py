"""Creating an account: a user and the workspace they administer."""

from django.db import transaction

from accounts.models import User
from workspace.membership import create_workspace


@transaction.atomic
def sign_up(*, email, password, name, workspace_name, time_zone="UTC") -> User:
    user = User.objects.create_user(
        email=email, password=password, name=name, time_zone=time_zone
    )
    create_workspace(name=workspace_name, owner=user, time_zone=time_zone)
    return user
