"""Social sign-in through allauth's real views, with the provider faked.

Only the provider's side of the HTTP conversation is answered locally (the
token, profile and email endpoints); allauth's views, callback, adapters
and our middleware all run as in production. No request leaves the machine.
"""

import json
import time
from urllib.parse import parse_qs, urlsplit

from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

import jwt
import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from accounts.models import User
from api.models import AppToken
from security.models import SecurityEvent
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    enable_two_step_unchecked,
    last_emailed_code,
    make_setup_overdue_unchecked,
)
from tests.security.pages import error_code
from workspace.models import Membership

GOOGLE_CLIENT_ID = "test-google-client.apps.example"


class FakeProviders:
    """Answers Google's and GitHub's endpoints; refuses any other address."""

    def __init__(self):
        self.google_profile = None
        self.github_profile = None
        self.github_emails = []
        self.calls = []

    def answer(self, request):
        self.calls.append(request.url)
        url = request.url.split("?")[0]
        if url == "https://oauth2.googleapis.com/token":
            return self._json(request, self._google_tokens())
        if url == "https://github.com/login/oauth/access_token":
            return self._json(request, {"access_token": "gh-access", "scope": "user"})
        if url == "https://api.github.com/user":
            return self._json(request, self.github_profile)
        if url == "https://api.github.com/user/emails":
            return self._json(request, self.github_emails)
        raise AssertionError(f"Unexpected request to {url}")

    def _google_tokens(self):
        now = int(time.time())
        claims = {
            "iss": "https://accounts.google.com",
            "aud": GOOGLE_CLIENT_ID,
            "iat": now,
            "exp": now + 600,
            **self.google_profile,
        }
        # Received straight from the token endpoint over TLS, the id_token's
        # signature is not checked, as OpenID Connect allows.
        id_token = jwt.encode(claims, "not-checked-" + "x" * 32, algorithm="HS256")
        return {
            "access_token": "google-access",
            "expires_in": 3599,
            "token_type": "Bearer",
            "id_token": id_token,
        }

    def _json(self, request, payload):
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(payload).encode()
        response.headers = CaseInsensitiveDict({"content-type": "application/json"})
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response


@pytest.fixture
def providers(settings, monkeypatch):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {
            "APP": {"client_id": GOOGLE_CLIENT_ID, "secret": "google-secret"},
            "SCOPE": ["profile", "email"],
        },
        "github": {
            "APP": {"client_id": "github-client", "secret": "github-secret"},
            "SCOPE": ["user:email"],
        },
    }
    fake = FakeProviders()
    monkeypatch.setattr(
        HTTPAdapter, "send", lambda adapter, request, **kw: fake.answer(request)
    )
    return fake


def _google(email, *, sub="1001", verified=True):
    return {
        "sub": sub,
        "email": email,
        "email_verified": verified,
        "name": "Ada Lovelace",
        "given_name": "Ada",
        "family_name": "Lovelace",
    }


def sign_in_with(client, provider, *, process="login", next_url=None):
    """Press the provider's button, let the provider agree, come back."""
    query = {"process": process}
    if next_url:
        query["next"] = next_url
    start = client.post(f"/accounts/{provider}/login/", query)
    assert start.status_code == 302, start
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    return client.get(
        f"/accounts/{provider}/login/callback/", {"state": state, "code": "granted"}
    )


def _follow(client, response):
    return client.get(response["Location"])


def test_google_sign_up_creates_user_and_workspace(client, providers):
    providers.google_profile = _google("ada@example.com")

    response = sign_in_with(client, "google")

    assert response.status_code == 302
    user = User.objects.get(email="ada@example.com")
    assert user.name == "Ada Lovelace"
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert membership.role == Membership.Role.ADMIN
    assert membership.workspace.name == "Ada's workspace"
    assert SocialAccount.objects.get(user=user).provider == "google"
    assert client.get("/").status_code == 200


def test_google_sign_in_of_two_step_user_lands_on_second_step(
    client, providers, mailoutbox
):
    user = MembershipFactory().user
    enable_two_step_unchecked(user)
    SocialAccount.objects.create(user=user, provider="google", uid="1001")
    providers.google_profile = _google(user.email)

    response = sign_in_with(client, "google", next_url="/settings/profile/")
    held = _follow(client, response)
    page = _follow(client, held)

    assert held.status_code == 302
    assert held["Location"].startswith("/sign-in/verify/")
    assert page.status_code == 200
    assert user.email in mail.outbox[-1].to
    passed = client.post(held["Location"], {"code": last_emailed_code()})
    assert passed.status_code == 302
    assert passed["Location"] == "/settings/profile/"
    assert client.get("/settings/profile/").status_code == 200


def test_github_sign_in_of_two_step_user_opens_nothing_before_code(
    client, providers, mailoutbox
):
    user = MembershipFactory().user
    enable_two_step_unchecked(user)
    SocialAccount.objects.create(user=user, provider="github", uid="77")
    providers.github_profile = {"id": 77, "login": "ada", "name": "Ada"}
    providers.github_emails = [{"email": user.email, "primary": True, "verified": True}]

    sign_in_with(client, "github")

    for path in ("/", "/settings/security/", "/settings/password/", "/api/v1/me"):
        response = client.get(path)
        assert response.status_code in (302, 401, 403), path
        if response.status_code == 302:
            assert response["Location"].startswith("/sign-in/verify/"), path
    assert SecurityEvent.objects.filter(kind="signed_in", user=user).exists()


def test_auto_link_by_email_still_needs_second_step(client, providers, mailoutbox):
    user = MembershipFactory().user
    enable_two_step_unchecked(user)
    providers.google_profile = _google(user.email.upper())

    response = sign_in_with(client, "google")
    held = _follow(client, response)

    assert held["Location"].startswith("/sign-in/verify/")
    assert SocialAccount.objects.get(provider="google").user == user
    # A code once reached this address: the password stays.
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_auto_link_of_unproven_address_clears_password_and_signs_out(
    client, api_login, providers, mailoutbox
):
    user = MembershipFactory().user
    other_browser = api_login(user)
    providers.google_profile = _google(user.email)

    sign_in_with(client, "google")

    user.refresh_from_db()
    assert not user.has_usable_password()
    assert not AppToken.objects.filter(user=user).exists()
    assert other_browser.get("/").status_code == 302
    claimed = next(m for m in mail.outbox if "tied to" in m.subject)
    assert "the password was removed" in claimed.body
    assert "every other sign-in provider was unlinked" in claimed.body
    assert client.get("/").status_code == 200


def test_unverified_provider_address_does_not_link_existing_user(client, providers):
    user = MembershipFactory().user
    providers.github_profile = {"id": 5, "login": "someone", "name": "Someone"}
    providers.github_emails = [
        {"email": user.email, "primary": True, "verified": False}
    ]

    response = sign_in_with(client, "github")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/3rdparty/signup/"
    assert not SocialAccount.objects.exists()
    assert "_auth_user_id" not in client.session
    assert client.get(response["Location"]).status_code == 200


def test_address_the_user_changed_away_from_signs_nobody_in(client, providers):
    providers.google_profile = _google("old@example.com", sub="1")
    sign_in_with(client, "google")
    client.post("/sign-out/")
    User.objects.filter(email="old@example.com").update(email="new@example.com")
    providers.google_profile = _google("old@example.com", sub="2")

    response = sign_in_with(client, "google")

    assert "_auth_user_id" not in client.session
    assert response["Location"] == "/accounts/3rdparty/signup/"
    assert not SocialAccount.objects.filter(uid="2").exists()


def test_sign_up_form_typed_address_the_provider_did_not_verify_is_refused(
    client, providers
):
    providers.github_profile = {"id": 9, "login": "grace", "name": "Grace Hopper"}
    providers.github_emails = []
    form = sign_in_with(client, "github")

    response = client.post(
        form["Location"],
        {
            "email": "grace@example.com",
            "name": "Grace Hopper",
            "workspace_name": "Compilers",
            "time_zone": "Europe/Berlin",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["email"]
    assert errors[0].code == "email_unverified"
    assert not User.objects.filter(email="grace@example.com").exists()


def test_overdue_member_signing_in_with_github_lands_on_set_up(client, providers):
    user = MembershipFactory().user
    make_setup_overdue_unchecked(user)
    SocialAccount.objects.create(user=user, provider="github", uid="42")
    providers.github_profile = {"id": 42, "login": "late", "name": "Late"}
    providers.github_emails = [{"email": user.email, "primary": True, "verified": True}]

    response = sign_in_with(client, "github")
    held = _follow(client, response)

    assert held.status_code == 302
    assert held["Location"].startswith("/settings/security/set-up/")
    assert client.get("/settings/profile/")["Location"].startswith(
        "/settings/security/set-up/"
    )


def test_signed_in_user_links_provider_from_profile_settings(client, providers):
    user = MembershipFactory().user
    client.post("/sign-in/", {"username": user.email, "password": PASSWORD})
    providers.github_profile = {"id": 321, "login": "me", "name": "Me"}
    providers.github_emails = [
        {"email": "me@elsewhere.example", "primary": True, "verified": True}
    ]
    page = client.get("/settings/security/")
    assert "/accounts/3rdparty/" in page.content.decode()

    response = sign_in_with(client, "github", process="connect")

    assert response.status_code == 302
    assert SocialAccount.objects.get(uid="321").user == user
    assert client.get("/accounts/3rdparty/").status_code == 200
    assert client.get("/").status_code == 200


def test_user_without_password_can_turn_two_step_on_but_not_off(
    client, providers, mailoutbox
):
    providers.google_profile = _google("solo@example.com")
    sign_in_with(client, "google")
    client.post("/settings/security/enable/", {"send": "1"})
    client.post("/settings/security/enable/", {"code": last_emailed_code()})

    response = client.post(
        "/settings/security/disable/", {"send": "1", "password": "a guess"}
    )
    page = client.get("/settings/security/").content.decode()

    assert User.objects.get(email="solo@example.com").two_step.is_enabled
    assert error_code(response, "password", form="password_form") == (
        "password_not_set"
    )
    assert "no password yet" in page
    assert 'href="/settings/password/"' in page


def test_sign_in_page_offers_configured_providers(client, providers):
    page = client.get("/sign-in/").content.decode()

    assert 'action="/accounts/google/login/?process=login"' in page
    assert 'action="/accounts/github/login/?process=login"' in page


def test_sign_in_page_offers_no_provider_without_credentials(
    client, settings, transactional_db
):
    settings.SOCIALACCOUNT_PROVIDERS = {}

    page = client.get("/sign-in/").content.decode()

    assert "/accounts/google/login/" not in page


@pytest.mark.parametrize(
    ("path", "target"),
    [("/accounts/login/", "/sign-in/"), ("/accounts/signup/", "/sign-up/")],
)
def test_allauth_account_pages_lead_to_ours(client, transactional_db, path, target):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password/reset/",
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/logout/",
    ],
)
def test_allauth_duplicate_pages_are_not_served(client, transactional_db, path):
    assert client.get(path).status_code == 404


@pytest.fixture
def api_login(transactional_db):
    """Another browser and an app signed in as `user`; returns the browser."""

    def sign_in(user):
        browser = Client()
        browser.post("/sign-in/", {"username": user.email, "password": PASSWORD})
        browser.post(
            "/api/v1/auth/login",
            {"email": user.email, "password": PASSWORD, "device_name": "Phone"},
            content_type="application/json",
        )
        assert AppToken.objects.filter(user=user).exists()
        assert Session.objects.exists()
        return browser

    return sign_in


def test_auto_link_unlinks_providers_the_squatter_added(client, providers, mailoutbox):
    squatter = MembershipFactory().user
    SocialAccount.objects.create(user=squatter, provider="github", uid="666")
    providers.google_profile = _google(squatter.email)

    sign_in_with(client, "google")

    assert list(
        SocialAccount.objects.filter(user=squatter).values_list("provider", flat=True)
    ) == ["google"]


def test_linking_a_provider_tells_the_owner(client, providers, mailoutbox):
    user = MembershipFactory().user
    client.post("/sign-in/", {"username": user.email, "password": PASSWORD})
    providers.github_profile = {"id": 321, "login": "me", "name": "Me"}
    providers.github_emails = [
        {"email": "me@elsewhere.example", "primary": True, "verified": True}
    ]

    sign_in_with(client, "github", process="connect")

    told = next(m for m in mailoutbox if "provider was linked" in m.subject)
    assert told.to == [user.email]
    assert "GitHub" in told.body
    assert SecurityEvent.objects.filter(user=user, kind="provider_linked").exists()


def test_provider_without_client_id_has_no_pages(client, providers, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}

    responses = [
        client.get("/accounts/google/login/"),
        client.get("/accounts/github/login/callback/?code=x&state=y"),
    ]

    assert [r.status_code for r in responses] == [404, 404]


def test_password_reset_reaches_an_account_without_a_password(
    client, providers, mailoutbox
):
    providers.google_profile = _google("solo@example.com")
    sign_in_with(client, "google")
    client.post("/sign-out/")
    mailoutbox.clear()

    client.post("/password-reset/", {"email": "solo@example.com"})

    assert len(mailoutbox) == 1
    assert "/password-reset/" in mailoutbox[0].body
