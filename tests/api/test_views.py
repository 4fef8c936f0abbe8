"""The signed-in endpoints, and bad input on every endpoint."""

import json
import logging
from datetime import timedelta

from django.utils import timezone

import pytest
from freezegun import freeze_time

from api import selectors, sign_in
from api.errors import MESSAGES
from api.models import AppToken
from security.models import SecurityEvent, TwoStep
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    enable_two_step_unchecked,
    last_emailed_code,
    make_setup_overdue_unchecked,
)

ENDPOINTS = ["/api/v1/auth/login", "/api/v1/auth/verify", "/api/v1/auth/resend"]


@pytest.fixture
def token(api, member):
    return api.login(member).json()["token"]


def test_me_shows_user_workspaces_and_two_step(api, member, token):
    workspace = member.memberships.get().workspace

    response = api.get("/api/v1/me", token=token)

    assert response.status_code == 200
    assert response.json() == {
        "email": member.email,
        "name": member.name,
        "workspaces": [{"id": workspace.pk, "name": workspace.name, "role": "member"}],
        "two_step": {
            "enabled": False,
            "enabled_at": None,
            "backup_codes_left": 0,
            "required_by": None,
        },
    }


def test_me_shows_deadline_of_mandatory_policy(api, member, token):
    workspace = member.memberships.get().workspace
    workspace.two_step_required_since = timezone.now()
    workspace.compliance_period_days = 5
    workspace.save()

    two_step = api.get("/api/v1/me", token=token).json()["two_step"]

    assert two_step["required_by"] is not None
    assert two_step["enabled"] is False


def test_me_shows_two_step_on_with_backup_codes(api, member, token):
    # Turned on directly, without the signal that would end the token.
    enable_two_step_unchecked(member)

    two_step = api.get("/api/v1/me", token=token).json()["two_step"]

    assert two_step["enabled"] is True
    assert two_step["enabled_at"] is not None
    assert two_step["backup_codes_left"] == 10
    assert two_step["required_by"] is None


def test_me_without_token_is_401(api, member):
    response = api.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer k2fa_not-a-real-token", "Bearer", "Token abc", "Bearer a b", "Basic eA=="],
)
def test_me_with_bad_authorization_is_401(api, client, member, header):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["error"] == "token_invalid"


def test_me_with_browser_session_only_is_401(api, client, member):
    client.post("/sign-in/", {"username": member.email, "password": PASSWORD})
    assert client.get("/").status_code == 200

    response = client.get("/api/v1/me")

    assert response.status_code == 401


def test_me_with_token_of_another_user_shows_that_user(api, member, token):
    other = MembershipFactory().user
    other_token = api.login(other).json()["token"]

    mine = api.get("/api/v1/me", token=token).json()
    theirs = api.get("/api/v1/me", token=other_token).json()

    assert mine["email"] == member.email
    assert theirs["email"] == other.email


def test_me_of_inactive_user_is_401(api, member, token):
    member.is_active = False
    member.save()

    response = api.get("/api/v1/me", token=token)

    assert response.status_code == 401


def test_me_past_deadline_with_old_token_is_403(api, member, token):
    make_setup_overdue_unchecked(member)

    response = api.get("/api/v1/me", token=token)

    assert response.status_code == 403
    assert response.json()["error"] == "two_step_setup_required"


def test_me_marks_token_last_used(api, member):
    with freeze_time("2026-03-02 09:00:00+00:00") as frozen:
        token = api.login(member).json()["token"]
        frozen.tick(timedelta(minutes=5))

        api.get("/api/v1/me", token=token)

    row = AppToken.objects.get()
    assert row.last_used_at - row.created_at == timedelta(minutes=5)


def test_logout_kills_token(api, member, token):
    response = api.post("/api/v1/auth/logout", token=token)

    assert response.status_code == 204
    assert api.get("/api/v1/me", token=token).status_code == 401
    assert SecurityEvent.objects.filter(kind="token_revoked", user=member).exists()


def test_logout_leaves_other_devices_signed_in(api, member, token):
    other = api.login(member, device_name="Tablet").json()["token"]

    api.post("/api/v1/auth/logout", token=token)

    assert api.get("/api/v1/me", token=other).status_code == 200


def test_logout_past_deadline_still_works(api, member, token):
    make_setup_overdue_unchecked(member)

    response = api.post("/api/v1/auth/logout", token=token)

    assert response.status_code == 204
    assert not AppToken.objects.exists()


def test_logout_without_token_is_401(api, member):
    response = api.post("/api/v1/auth/logout")

    assert response.status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_two_step_change_is_desktop_only(api, member, token, method):
    response = api.call(method, "/api/v1/me/two-step", token=token)

    assert response.status_code == 403
    assert response.json()["error"] == "desktop_only"
    assert "web app" in response.json()["detail"]
    assert not TwoStep.objects.filter(user=member, enabled_at__isnull=False).exists()


def test_two_step_cannot_be_turned_off_from_app(api, member, token):
    enable_two_step_unchecked(member)

    response = api.call("delete", "/api/v1/me/two-step", token=token)

    assert response.status_code == 403
    assert response.json()["error"] == "desktop_only"
    assert TwoStep.objects.get(user=member).is_enabled


def test_two_step_change_without_token_is_401(api, member):
    response = api.post("/api/v1/me/two-step")

    assert response.status_code == 401


@pytest.mark.parametrize("path", ENDPOINTS)
def test_endpoint_missing_body_is_invalid_request(api, client, member, path):
    response = client.post(path, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response.json()["fields"]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "raw", ["not json", "{", '["a list"]', '"a string"', "null", '{"a": NaN}']
)
def test_endpoint_body_not_a_json_object_is_malformed(api, member, path, raw):
    response = api.post(path, raw=raw)

    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_endpoint_form_body_is_unsupported(api, client, member, path):
    response = client.post(path, {"email": member.email})

    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_endpoint_huge_body_is_refused(api, member, path):
    raw = json.dumps({"email": member.email, "password": "x" * 100_000})

    response = api.post(path, raw=raw)

    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_endpoint_body_over_django_upload_limit_is_refused(api, member, settings, path):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    raw = json.dumps({"email": member.email, "password": "x" * 5000})

    response = api.post(path, raw=raw)

    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"


@pytest.mark.parametrize(
    "fields",
    [
        {"email": 12, "password": PASSWORD, "device_name": "x"},
        {"email": "a@example.com", "password": True, "device_name": "x"},
        {"email": "a@example.com", "password": PASSWORD, "device_name": ["x"]},
        {"email": None, "password": PASSWORD, "device_name": "x"},
        {"email": {"$ne": 1}, "password": PASSWORD, "device_name": "x"},
        {"email": "a@example.com", "password": PASSWORD, "device_name": "x" * 101},
    ],
)
def test_login_wrong_types_are_invalid_request(api, member, fields):
    response = api.post("/api/v1/auth/login", fields)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "token" not in response.json()


def test_login_unknown_fields_are_invalid_request(api, member):
    response = api.post(
        "/api/v1/auth/login",
        {
            "email": member.email,
            "password": PASSWORD,
            "device_name": "x",
            "is_staff": True,
        },
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"is_staff": ["Unknown field."]}
    assert not AppToken.objects.exists()


def test_verify_number_as_code_is_invalid_request(api, member):
    response = api.post("/api/v1/auth/verify", {"challenge": "chl_x", "code": 123456})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_unknown_api_address_is_json_404(api, member):
    response = api.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_login_with_get_is_json_405(api, member):
    response = api.get("/api/v1/auth/login")

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_api_is_reachable_while_browser_waits_for_second_step(api, client, member):
    enable_two_step_unchecked(member)
    client.post("/sign-in/", {"username": member.email, "password": PASSWORD})

    response = api.login(member)

    assert response.status_code == 200
    assert response.json()["status"] == "two_step_required"


NOT_JSON = ["text/html", "application/xml", "text/plain, image/*;q=0.5"]


@pytest.mark.parametrize("accept", NOT_JSON)
def test_me_accept_without_json_answers_json(api, member, token, accept):
    response = api.get("/api/v1/me", token=token, accept=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["email"] == member.email


@pytest.mark.parametrize("accept", NOT_JSON)
def test_login_accept_without_json_answers_json(api, member, accept):
    fields = {"email": member.email, "password": PASSWORD, "device_name": "x"}

    signed_in = api.post("/api/v1/auth/login", fields, accept=accept)
    refused = api.post(
        "/api/v1/auth/login", {**fields, "password": "wrong"}, accept=accept
    )

    assert signed_in.status_code == 200
    assert signed_in.json()["token_type"] == "Bearer"
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_credentials"


@pytest.mark.parametrize("accept", NOT_JSON)
def test_schema_accept_without_json_answers_json_description(api, member, accept):
    response = api.get("/api/v1/schema", accept=accept)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert json.loads(response.content)["openapi"] == "3.1.0"


def test_schema_accept_yaml_answers_yaml(api, member):
    response = api.get("/api/v1/schema", accept="application/yaml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert response.content.startswith(b"openapi: 3.1.0")


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/schema"])
def test_endpoint_format_it_cannot_give_answers_json(api, member, token, path):
    response = api.get(f"{path}?format=xml", token=token)

    assert response.status_code == 200
    assert json.loads(response.content)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/auth/verify"),
        ("post", "/api/v1/auth/resend"),
        ("post", "/api/v1/auth/logout"),
        ("delete", "/api/v1/me/two-step"),
        ("get", "/api/v1/auth/login"),
    ],
)
def test_endpoint_refusal_with_accept_html_is_json(api, member, method, path):
    response = api.call(method, path, accept="text/html")

    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "raw",
    [
        "[" * 5000 + "]" * 5000,
        '{"a":' * 2500 + "1" + "}" * 2500,
        '{"email": ' + "[" * 5000 + "]" * 5000 + "}",
    ],
    ids=["lists", "objects", "inside_a_field"],
)
def test_endpoint_deeply_nested_body_is_malformed(api, member, path, raw):
    response = api.post(path, raw=raw)

    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"


@pytest.mark.parametrize("depth", [100, 500, 900, 990, 1000, 1100])
def test_login_nested_field_near_recursion_limit_is_refused(api, member, depth):
    raw = '{"email": ' + "[" * depth + "]" * depth + ', "password": "x"}'

    response = api.post("/api/v1/auth/login", raw=raw)

    assert response.status_code == 400
    assert response.json()["error"] in {"malformed_json", "invalid_request"}


def _crash(**kwargs):
    raise RuntimeError("the database went away")


def _logged_crashes(caplog):
    return [
        record
        for record in caplog.records
        if record.exc_info and record.exc_info[0] is RuntimeError
    ]


def test_me_unexpected_error_is_json_500(api, member, token, monkeypatch, caplog):
    monkeypatch.setattr(selectors, "me", lambda user: _crash())

    response = api.get("/api/v1/me", token=token, accept="text/html")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "server_error",
        "detail": MESSAGES["server_error"],
    }
    assert "database" not in response.content.decode()
    [record] = _logged_crashes(caplog)
    assert record.levelno == logging.ERROR
    assert token not in caplog.text


def test_login_unexpected_error_logs_no_password(api, member, monkeypatch, caplog):
    monkeypatch.setattr(sign_in, "issue_token", _crash)

    response = api.login(member, password=PASSWORD)

    assert response.status_code == 500
    assert response.json()["error"] == "server_error"
    assert _logged_crashes(caplog)
    assert PASSWORD not in caplog.text
    assert member.email not in caplog.text


def test_verify_unexpected_error_logs_no_code(
    api, member, mailoutbox, monkeypatch, caplog
):
    enable_two_step_unchecked(member)
    challenge = api.login(member).json()["challenge"]
    code = last_emailed_code()
    monkeypatch.setattr(sign_in, "issue_token", _crash)

    response = api.post("/api/v1/auth/verify", {"challenge": challenge, "code": code})

    assert response.status_code == 500
    assert response.json()["error"] == "server_error"
    assert _logged_crashes(caplog)
    assert code not in caplog.text
    assert challenge not in caplog.text
