"""Fixtures shared by the workspace tests."""

from django.test import Client

import pytest

from security import second_step
from tests.factories import (
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
    enable_two_step_unchecked,
)
from workspace.models import Membership


def signed_in(user, *, verified=True) -> Client:
    """A browser of `user`, signed in; past the second step if 2FA is on."""
    client = Client()
    client.force_login(user, backend="accounts.backends.EmailBackend")
    if verified and second_step.two_step_enabled(user):
        session = client.session
        session[second_step.PASSED] = True
        session.save()
    return client


@pytest.fixture
def workspace(transactional_db):
    return WorkspaceFactory(name="Acme", time_zone="Pacific/Kiritimati")


@pytest.fixture
def admin(workspace):
    """An admin of `workspace` whose own two-step verification is Active."""
    user = UserFactory(name="Ada Admin", email="ada@example.com")
    MembershipFactory(workspace=workspace, user=user, role=Membership.Role.ADMIN)
    enable_two_step_unchecked(user)
    return user


@pytest.fixture
def admin_client(admin):
    return signed_in(admin)


@pytest.fixture
def member(workspace):
    user = UserFactory(name="Max Member", email="max@example.com")
    MembershipFactory(workspace=workspace, user=user)
    return user


@pytest.fixture
def member_client(member):
    return signed_in(member)
