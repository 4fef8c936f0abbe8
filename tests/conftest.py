import pytest

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
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
