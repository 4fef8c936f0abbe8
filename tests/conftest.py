from django.core.cache import cache

import pytest

from tests.factories import PASSWORD, UserFactory


def pytest_collection_modifyitems(items):
    """Run every test with real commits.

    Emails leave only once their transaction commits, as in production, and
    a test wrapped in one never-committed transaction would never see them.
    """
    for item in items:
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no sign-in throttle counters from another."""
    cache.clear()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(transactional_db):
    return UserFactory()


@pytest.fixture
def sign_in(client):
    """Sign in through the password form, as a person would."""

    def sign_in_as(user, *, next_url=None):
        data = {"username": user.email, "password": PASSWORD}
        if next_url:
            data["next"] = next_url
        return client.post("/sign-in/", data)

    return sign_in_as
