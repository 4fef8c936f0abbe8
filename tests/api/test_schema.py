"""The OpenAPI description is served, valid, and says what the API does."""

import json
from datetime import timedelta

from django.core.management import call_command
from django.urls import URLPattern, get_resolver
from django.utils import timezone

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from security.models import TwoStep
from tests.factories import (
    enable_two_step_unchecked,
    last_emailed_code,
    make_setup_overdue_unchecked,
)

BASE = "urn:kommo2fa-api"


@pytest.fixture
def description(client, transactional_db):
    response = client.get("/api/v1/schema", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def conforms(description):
    """Assert that a body matches a schema of the description, key for key."""
    registry = Registry().with_resource(
        BASE, Resource.from_contents(description, default_specification=DRAFT202012)
    )

    def resolve(schema):
        while "$ref" in schema:
            schema = registry.resolver(BASE).lookup(BASE + schema["$ref"]).contents
        return schema

    def declared(schema):
        schema = resolve(schema)
        names = set(schema.get("properties", {}))
        for option in schema.get("oneOf", []):
            names |= declared(option)
        return names

    def assert_conforms(body, schema):
        validator = Draft202012Validator(
            {"$ref": BASE + schema["$ref"]}, registry=registry
        )
        validator.validate(body)
        assert set(body) <= declared(schema), set(body) - declared(schema)

    return assert_conforms


@pytest.fixture
def check(description, conforms):
    """Assert that an answer is one the description promises."""

    def assert_described(response, path, method):
        operation = description["paths"][path][method]
        answers = operation["responses"]
        assert str(response.status_code) in answers, (path, method, response)
        content = answers[str(response.status_code)].get("content")
        if content is None:
            assert not response.content
            return
        conforms(response.json(), content["application/json"]["schema"])

    return assert_described


def _api_routes():
    routes = {}

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                view = getattr(pattern.callback, "view_class", None)
                if route.startswith("api/v1/") and view and "schema" not in route:
                    routes["/" + route] = view
            else:
                walk(pattern.url_patterns, prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "")
    return routes


def test_description_generates_without_warnings(tmp_path, transactional_db):
    target = tmp_path / "openapi.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", target)

    assert "openapi: 3.1.0" in target.read_text()


def test_description_lists_every_endpoint_and_method(description):
    routes = _api_routes()

    assert set(description["paths"]) == set(routes)
    for path, view in routes.items():
        methods = {
            name
            for name in view.http_method_names
            if name not in ("options", "head") and hasattr(view, name)
        }
        assert set(description["paths"][path]) == methods, path


def test_description_names_bearer_tokens(description):
    schemes = description["components"]["securitySchemes"]

    assert schemes["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerToken"]["description"],
    }
    assert description["paths"]["/api/v1/me"]["get"]["security"] == [
        {"bearerToken": []}
    ]


def test_description_matches_sign_in_answers(api, member, check, mailoutbox):
    login = "/api/v1/auth/login"
    check(api.login(member), login, "post")
    check(api.login(member, password="wrong"), login, "post")
    check(api.post(login, {"email": 1}), login, "post")
    check(api.post(login, raw="[]"), login, "post")
    check(api.post(login, raw="x" * 20_000), login, "post")
    check(api.client.post(login, {"a": "b"}), login, "post")
    for _ in range(10):
        api.login(member, password="wrong")
    check(api.login(member), login, "post")


def test_description_matches_second_step_answers(api, member, check, mailoutbox):
    enable_two_step_unchecked(member)
    answer = api.login(member)
    check(answer, "/api/v1/auth/login", "post")
    challenge = answer.json()["challenge"]
    verify, resend = "/api/v1/auth/verify", "/api/v1/auth/resend"

    check(api.post(verify, {"challenge": challenge, "code": "000000"}), verify, "post")
    check(api.post(verify, {"challenge": "chl_x", "code": "000000"}), verify, "post")
    check(api.post(verify, {"challenge": challenge}), verify, "post")
    check(api.post(resend, {"challenge": challenge}), resend, "post")
    check(api.post(resend, {"challenge": "nope"}), resend, "post")
    ok = api.post(verify, {"challenge": challenge, "code": last_emailed_code()})
    check(ok, verify, "post")
    TwoStep.objects.filter(user=member).update(
        locked_until=timezone.now() + timedelta(minutes=5)
    )
    check(api.login(member), "/api/v1/auth/login", "post")


def test_description_matches_login_without_code_sent(api, member, check, mailoutbox):
    enable_two_step_unchecked(member)
    for _ in range(5):
        api.login(member)

    answer = api.login(member)

    assert answer.json()["code_sent"] is False
    check(answer, "/api/v1/auth/login", "post")


def test_description_matches_signed_in_answers(api, member, check):
    token = api.login(member).json()["token"]

    check(api.get("/api/v1/me", token=token), "/api/v1/me", "get")
    check(api.get("/api/v1/me"), "/api/v1/me", "get")
    for method in ("post", "put", "patch", "delete"):
        answer = api.call(method, "/api/v1/me/two-step", token=token)
        check(answer, "/api/v1/me/two-step", method)
    make_setup_overdue_unchecked(member)
    check(api.get("/api/v1/me", token=token), "/api/v1/me", "get")
    check(api.post("/api/v1/auth/logout", token=token), "/api/v1/auth/logout", "post")
    check(api.post("/api/v1/auth/logout", token=token), "/api/v1/auth/logout", "post")


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/auth/login"), ("put", "/api/v1/auth/verify")],
)
def test_description_of_errors_matches_method_not_allowed(
    api, transactional_db, conforms, method, path
):
    response = api.call(method, path)

    assert response.status_code == 405
    assert response.json()["method"] == method.upper()
    conforms(response.json(), {"$ref": "#/components/schemas/Error"})


def test_description_of_login_says_what_login_takes(description):
    body = description["paths"]["/api/v1/auth/login"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]["$ref"].split("/")[-1]

    login = description["components"]["schemas"][schema]
    assert set(login["required"]) == {"email", "password", "device_name"}
