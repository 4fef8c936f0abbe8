import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone
from django.utils.regex_helper import normalize

import pytest
from freezegun import freeze_time

from security.access import Stage, is_open_during
from security.models import EmailCode
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    UserFactory,
    enable_two_step_unchecked,
    last_emailed_code,
)

# Rolled back, not flushed: see `commits_as_in_production`.
pytestmark = pytest.mark.django_db

VERIFY = "/sign-in/verify/"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PENDING_LIFETIME = timedelta(minutes=10)
SECOND = timedelta(seconds=1)

# Views a session waiting for the second step may reach. A view added to
# this set must be opened on purpose with `open_during`; everything else the
# project resolves, today or tomorrow, must send the session to the code.
OPEN_DURING_SECOND_STEP = {
    "security:verify_second_step",
    "security:use_backup_code",
    "accounts:sign_out",
    "devtools:show_outbox",
}

_CONVERTER_SAMPLES = {
    "IntConverter": "1",
    "PathConverter": "1",
    "StringConverter": "x",
    "SlugConverter": "x",
    "UUIDConverter": str(uuid.UUID(int=1)),
}


def _sample_route(pattern: RoutePattern) -> str:
    def fill(match):
        converter = pattern.converters[match.group("name")]
        return _CONVERTER_SAMPLES.get(type(converter).__name__, "1")

    return re.sub(r"<(?:\w+:)?(?P<name>\w+)>", fill, str(pattern))


def _sample_group(regex: str, name: str) -> str:
    group = re.search(rf"\(\?P<{name}>((?:[^()]|\([^()]*\))*)\)", regex).group(1)
    candidates = [*group.split("|")[:1], "1", "x"]
    return next(c for c in candidates if re.fullmatch(group, c)) if group else ""


def _sample_regex(pattern: RegexPattern) -> str:
    regex = pattern.regex.pattern
    template, params = normalize(regex)[0]
    return template % {name: _sample_group(regex, name) for name in params}


def _sample(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _sample_route(pattern)
    return _sample_regex(pattern)


def _walk(resolver, prefix="", namespace=""):
    """Every URL pattern the project resolves, with a path that reaches it."""
    for entry in resolver.url_patterns:
        path = prefix + _sample(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            full = f"{namespace}{inner}:" if inner else namespace
            yield from _walk(entry, path, full)
        else:
            name = f"{namespace}{entry.name}" if entry.name else None
            yield "/" + path, name, entry


def _is_api(path) -> bool:
    return path.startswith("/api/")


def _marked_open(entry) -> bool:
    return is_open_during(entry.callback, Stage.SECOND_STEP)


ALL_PATTERNS = list(_walk(get_resolver()))
# The API signs in with its own tokens and runs its own second step, so its
# views may be open at every stage as long as they ignore the session.
CLOSED = [
    (path, name)
    for path, name, entry in ALL_PATTERNS
    if name not in OPEN_DURING_SECOND_STEP
    and not (_is_api(path) and _marked_open(entry))
]


def _held_at_second_step(response) -> bool:
    if response.status_code == 403 and response["Content-Type"].startswith(
        "application/json"
    ):
        return json.loads(response.content)["error"] == "second_step_required"
    return response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_walk_finds_every_part_of_the_project():
    names = {name for _, name, _ in ALL_PATTERNS}

    assert {
        "accounts:home",
        "accounts:confirm_reset_password",
        "security:show_security",
        "security:revoke_session",
        "admin:index",
        "admin:app_list",
        "admin:accounts_user_change",
    } <= names
    assert OPEN_DURING_SECOND_STEP <= names


def test_walk_samples_resolve_to_their_own_pattern():
    unresolved = []
    for path, name, entry in ALL_PATTERNS:
        match = resolve(path.split("?")[0])
        if match.func is not entry.callback:
            unresolved.append((path, name))

    # Only catch-alls shadowed by a more specific pattern may land elsewhere.
    assert all(name is None or "catch" in str(name) for _, name in unresolved), (
        unresolved
    )


def test_walk_web_pages_marked_open_are_exactly_the_second_step_ones():
    marked = {
        name
        for path, name, entry in ALL_PATTERNS
        if not _is_api(path) and _marked_open(entry)
    }

    assert marked == OPEN_DURING_SECOND_STEP


def test_walk_api_views_open_at_second_step_ignore_the_session():
    for path, _, entry in ALL_PATTERNS:
        view_class = getattr(entry.callback, "cls", None)
        if not (_is_api(path) and _marked_open(entry) and view_class):
            continue
        authenticators = view_class().get_authenticators()

        assert not any(
            type(auth).__name__ == "SessionAuthentication" for auth in authenticators
        ), path


def test_middleware_pending_second_step_denies_every_other_pattern(pending_client):
    let_through = []
    for path, name in CLOSED:
        got = pending_client.get(path)
        posted = pending_client.post(path)
        if not (_held_at_second_step(got) and _held_at_second_step(posted)):
            let_through.append((path, name, got.status_code, posted.status_code))

    assert len(CLOSED) > 50
    assert let_through == []


def test_middleware_pending_second_step_answers_a_closed_api_view_with_json(
    pending_client, settings
):
    settings.ROOT_URLCONF = "tests.security.closed_api_urls"

    response = pending_client.get("/api/closed/")

    assert response.status_code == 403
    assert json.loads(response.content)["error"] == "second_step_required"


def test_middleware_pending_second_step_reaches_the_open_pages(
    pending_client, mailoutbox
):
    open_paths = {name: path for path, name, _ in ALL_PATTERNS}

    responses = {
        name: pending_client.get(open_paths[name]) for name in OPEN_DURING_SECOND_STEP
    }

    assert responses["security:verify_second_step"].status_code == 200
    assert responses["security:use_backup_code"].status_code == 200
    # Reached the views themselves: sign-out asks first, the outbox DEBUG.
    assert b"Sign out?" in responses["accounts:sign_out"].content
    assert responses["devtools:show_outbox"].status_code == 404


def test_middleware_pending_second_step_denies_a_made_up_url(pending_client):
    response = pending_client.get("/no/such/page/?x=1")

    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?next=%2Fno%2Fsuch%2Fpage%2F%3Fx%3D1"


def test_middleware_pending_second_step_answers_the_api_with_json(pending_client):
    response = pending_client.get("/api/made-up/")

    assert response.status_code in (403, 404)
    assert response["Content-Type"] == "application/json"


def test_middleware_pending_second_step_lets_static_files_through(pending_client):
    response = pending_client.get("/static/css/app.css")

    assert not _held_at_second_step(response)


def test_middleware_pending_sign_out_ends_the_session(pending_client):
    response = pending_client.post("/sign-out/")

    assert response.status_code == 302
    assert "_auth_user_id" not in pending_client.session
    assert pending_client.get("/settings/profile/")["Location"].startswith("/sign-in/")


def test_middleware_admin_login_is_held_at_second_step(client, mailoutbox):
    staff = UserFactory(is_staff=True, is_superuser=True)
    enable_two_step_unchecked(staff)

    signed_in = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff.email, "password": PASSWORD, "next": "/admin/"},
    )
    held = client.get("/admin/")
    client.get(VERIFY)
    passed = client.post(VERIFY, {"code": last_emailed_code(), "next": "/admin/"})

    assert signed_in.status_code == 302
    assert held.status_code == 302
    assert held["Location"] == VERIFY + "?next=%2Fadmin%2F"
    assert passed["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_middleware_without_two_step_lets_a_signed_in_user_through(
    signed_in_client,
):
    assert signed_in_client.get("/settings/profile/").status_code == 200


def test_second_step_passed_rotates_the_session_key(pending_client, mailoutbox):
    pending_client.get(VERIFY)
    before = pending_client.cookies["sessionid"].value

    pending_client.post(VERIFY, {"code": last_emailed_code()})

    after = pending_client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert pending_client.get("/settings/profile/").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "///evil.example",
        "https://evil.example",
        "https://evil.example/settings/profile/",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil.example",
        " //evil.example",
        "/\t/evil.example",
        "http:///evil.example",
    ],
)
def test_second_step_passed_ignores_a_next_pointing_elsewhere(
    pending_client, mailoutbox, target
):
    pending_client.get(VERIFY)

    response = pending_client.post(
        VERIFY, {"code": last_emailed_code(), "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_second_step_passed_follows_a_same_site_next(pending_client, mailoutbox):
    pending_client.get(VERIFY)

    response = pending_client.post(
        VERIFY, {"code": last_emailed_code(), "next": "/settings/profile/?tab=1"}
    )

    assert response["Location"] == "/settings/profile/?tab=1"


def test_second_step_next_survives_the_whole_sign_in(client, user, mailoutbox):
    enable_two_step_unchecked(user)

    client.post(
        "/sign-in/",
        {
            "username": user.email,
            "password": PASSWORD,
            "next": "/settings/security/",
        },
    )
    held = client.get("/settings/security/")
    page = client.get(held["Location"])
    passed = client.post(
        held["Location"], {"code": last_emailed_code(), "next": page.context["next"]}
    )

    assert passed["Location"] == "/settings/security/"


def test_second_step_resend_keeps_a_next_with_a_query(pending_client, mailoutbox):
    target = "/settings/profile/?a=1&b=2"

    response = pending_client.post(VERIFY, {"resend": "", "next": target})

    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["next"] == [target]


def test_middleware_pending_sign_in_within_ten_minutes_stays(
    client, user, sign_in, mailoutbox
):
    enable_two_step_unchecked(user)

    with freeze_time(T0) as clock:
        sign_in(user)
        clock.move_to(T0 + PENDING_LIFETIME - SECOND)
        response = client.get(VERIFY)
        session = dict(client.session)

    assert response.status_code == 200
    assert "_auth_user_id" in session


def test_middleware_pending_sign_in_after_ten_minutes_signs_out(
    client, user, sign_in, mailoutbox
):
    enable_two_step_unchecked(user)

    with freeze_time(T0) as clock:
        sign_in(user)
        client.get(VERIFY)
        code = last_emailed_code()
        clock.move_to(T0 + PENDING_LIFETIME + SECOND)
        response = client.post(VERIFY, {"code": code})
        session = dict(client.session)
        sign_in_page = client.get(response["Location"])
        then = client.get("/settings/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"
    assert "_auth_user_id" not in session
    assert [str(m) for m in sign_in_page.context["messages"]] == [
        "Your sign-in took too long. Please sign in again."
    ]
    assert then["Location"].startswith("/sign-in/")
    assert EmailCode.objects.get(user=user).status == "live"


def test_pending_session_holds_no_password_and_no_code(pending_client, mailoutbox):
    pending_client.get(VERIFY)
    code = last_emailed_code()

    key = pending_client.session.session_key
    data = SessionStore(session_key=key).load()

    raw = Session.objects.get(session_key=key).session_data
    stored = raw + json.dumps(data)
    assert PASSWORD not in stored
    assert code not in stored
    assert set(data) <= {
        "_auth_user_id",
        "_auth_user_backend",
        "_auth_user_hash",
        "security.sign_in_nonce",
        "security.signed_in_at",
        "security.session_ref",
    }


OPEN_DURING_SETUP = {
    "security:set_up_two_step",
    "accounts:sign_out",
    "devtools:show_outbox",
}


def test_walk_web_pages_marked_open_for_set_up_are_exactly_the_set_up_ones():
    marked = {
        name
        for path, name, entry in ALL_PATTERNS
        if not _is_api(path) and is_open_during(entry.callback, Stage.SETUP)
    }

    assert marked == OPEN_DURING_SETUP


def test_middleware_past_mandatory_deadline_sends_every_page_to_set_up(
    client, user, sign_in
):
    long_ago = timezone.now() - timedelta(days=5)
    MembershipFactory(
        user=user,
        joined_at=long_ago,
        workspace__two_step_required_since=long_ago,
        workspace__compliance_period_days=1,
    )
    sign_in(user)
    closed = [
        path
        for path, name, entry in ALL_PATTERNS
        if name not in OPEN_DURING_SETUP
        and not (_is_api(path) and is_open_during(entry.callback, Stage.SETUP))
    ]

    let_through = []
    for path in closed:
        response = client.get(path)
        if not response.get("Location", "").startswith("/settings/security/set-up/"):
            let_through.append((path, response.status_code))

    assert len(closed) > 50
    assert let_through == []
    assert client.get("/settings/security/set-up/").status_code == 200
