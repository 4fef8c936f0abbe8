import json

import pytest

from tests.factories import PASSWORD, MembershipFactory, UserFactory


class ApiClient:
    """Calls the API as the app does: JSON in, JSON out, Bearer tokens."""

    def __init__(self, client):
        self.client = client

    def _headers(self, token, accept):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        if accept is not None:
            headers["HTTP_ACCEPT"] = accept
        return headers

    def post(
        self, path, data=None, *, token=None, raw=None, content_type=None, accept=None
    ):
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.post(
            path,
            body,
            content_type=content_type or "application/json",
            **self._headers(token, accept),
        )

    def get(self, path, *, token=None, accept=None):
        return self.client.get(path, **self._headers(token, accept))

    def call(self, method, path, *, token=None, accept=None):
        return getattr(self.client, method)(path, **self._headers(token, accept))

    def login(self, user, *, password=PASSWORD, device_name="Pixel 9"):
        return self.post(
            "/api/v1/auth/login",
            {"email": user.email, "password": password, "device_name": device_name},
        )


@pytest.fixture
def api(client):
    return ApiClient(client)


@pytest.fixture
def member(transactional_db):
    """A user who belongs to one workspace, without two-step verification."""
    return MembershipFactory(user=UserFactory()).user
