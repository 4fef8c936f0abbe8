"""Signing the app in: the password, then the web's own second step."""

import re
from datetime import timedelta
from unittest import mock

from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.utils import timezone

import pytest
from freezegun import freeze_time

from api.models import AppToken, SignInChallenge
from api.tokens import hash_secret
from security import backup_codes, email_codes
from security.errors import TwoStepError
from security.mail import mask_email
from security.models import EmailCode, SecurityEvent, TwoStep
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    enable_two_step_unchecked,
    last_emailed_code,
    make_setup_overdue_unchecked,
)

NOW = "2026-03-02 09:00:00+00:00"
Kind = SecurityEvent.Kind


def _challenge(api, user, **kwargs):
    response = api.login(user, **kwargs)
    assert response.json()["status"] == "two_step_required"
    return response.json()["challenge"]


def _verify(api, challenge, **fields):
    return api.post("/api/v1/auth/verify", {"challenge": challenge, **fields})


@pytest.fixture
def two_step_member(member, mailoutbox):
    enable_two_step_unchecked(member)
    return member


@pytest.fixture
def fresh_backup_codes(two_step_member):
    return backup_codes.replace_codes(user=two_step_member)


def test_login_without_two_step_returns_token(api, member):
    response = api.login(member)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "token_type"}
    assert body["token_type"] == "Bearer"
    assert api.get("/api/v1/me", token=body["token"]).status_code == 200


def test_login_token_is_random_and_stored_only_as_hash(api, member):
    first = api.login(member, device_name="Phone").json()["token"]
    second = api.login(member, device_name="Tablet").json()["token"]

    assert first != second
    # 32 random bytes in URL-safe base64 after the prefix: 256 bits.
    assert re.fullmatch(r"k2fa_[A-Za-z0-9_-]{43}", first)
    stored = list(AppToken.objects.values_list("token_hash", flat=True))
    assert hash_secret(first) in stored and first not in stored


def test_login_same_device_replaces_its_token(api, member):
    old = api.login(member, device_name="Pixel").json()["token"]

    new = api.login(member, device_name="Pixel").json()["token"]

    assert AppToken.objects.filter(user=member).count() == 1
    assert api.get("/api/v1/me", token=old).status_code == 401
    assert api.get("/api/v1/me", token=new).status_code == 200


def test_login_records_sign_in_and_token_events(api, member):
    api.login(member)

    kinds = set(
        SecurityEvent.objects.filter(user=member).values_list("kind", flat=True)
    )
    assert {Kind.SIGNED_IN, Kind.TOKEN_CREATED} <= kinds


def test_login_with_two_step_returns_challenge_and_emails_code(api, two_step_member):
    response = api.login(two_step_member)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "two_step_required"
    assert body["email_hint"] == mask_email(two_step_member.email)
    assert body["expires_in"] == 600
    assert body["code_sent"] is True
    assert "token" not in body
    assert not AppToken.objects.exists()
    assert two_step_member.email in mail.outbox[-1].to
    assert re.search(r"\b\d{6}\b", mail.outbox[-1].body)


def test_login_past_code_limit_returns_challenge_without_code(api, two_step_member):
    with freeze_time(NOW) as frozen:
        for _ in range(5):
            _challenge(api, two_step_member)
        frozen.tick(timedelta(minutes=11))
        sent = len(mail.outbox)

        response = api.login(two_step_member)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "two_step_required"
    assert body["email_hint"] == mask_email(two_step_member.email)
    assert body["code_sent"] is False
    assert body["reason"] == "too_many_codes"
    assert body["detail"] == TwoStepError.render("too_many_codes", minutes=4)
    assert body["retry_after"] == 4 * 60
    assert len(mail.outbox) == sent
    assert SignInChallenge.objects.count() == 6


def test_login_past_code_limit_still_takes_backup_code(
    api, two_step_member, fresh_backup_codes
):
    for _ in range(5):
        _challenge(api, two_step_member)
    challenge = _challenge(api, two_step_member)

    response = _verify(api, challenge, backup_code=fresh_backup_codes[0])

    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


def test_login_past_code_limit_sends_code_on_resend_once_freed(api, two_step_member):
    with freeze_time(NOW) as frozen:
        for _ in range(5):
            _challenge(api, two_step_member)
        frozen.tick(timedelta(minutes=11))
        answer = api.login(two_step_member).json()
        frozen.tick(timedelta(seconds=answer["retry_after"] + 1))

        resent = api.post("/api/v1/auth/resend", {"challenge": answer["challenge"]})
        verified = _verify(api, answer["challenge"], code=last_emailed_code())

    assert resent.status_code == 200
    assert verified.status_code == 200


def test_login_while_resend_waits_returns_challenge_without_code(
    api, two_step_member, monkeypatch
):
    def wait(**kwargs):
        raise TwoStepError("resend_wait", seconds=42)

    monkeypatch.setattr(email_codes, "send_code", wait)

    response = api.login(two_step_member)

    assert response.status_code == 200
    body = response.json()
    assert body["code_sent"] is False
    assert body["reason"] == "resend_wait"
    assert body["retry_after"] == 42
    assert SignInChallenge.objects.exists()


def test_login_challenge_is_stored_only_as_hash_and_bound_code(api, two_step_member):
    challenge = _challenge(api, two_step_member)

    row = SignInChallenge.objects.get()
    assert row.challenge_hash == hash_secret(challenge)
    code = EmailCode.objects.get(user=two_step_member)
    assert code.binding == row.code_binding
    assert challenge not in code.binding


def test_login_challenge_is_not_a_token(api, two_step_member):
    challenge = _challenge(api, two_step_member)

    response = api.get("/api/v1/me", token=challenge)

    assert response.status_code == 401
    assert response.json()["error"] == "token_invalid"


def test_login_overdue_member_is_sent_to_web_app(api, member):
    make_setup_overdue_unchecked(member)

    response = api.login(member)

    assert response.status_code == 403
    assert response.json()["error"] == "two_step_setup_required"
    assert "web app" in response.json()["detail"]
    assert not AppToken.objects.exists()


def test_login_member_before_deadline_gets_token(api, member):
    workspace = member.memberships.get().workspace
    workspace.two_step_required_since = timezone.now()
    workspace.compliance_period_days = 3
    workspace.save()

    response = api.login(member)

    assert response.status_code == 200
    assert "token" in response.json()


def test_login_wrong_password_and_unknown_email_answer_alike(api, member):
    wrong_password = api.login(member, password="not the password")
    unknown = api.post(
        "/api/v1/auth/login",
        {"email": "nobody@example.com", "password": PASSWORD, "device_name": "X"},
    )

    assert wrong_password.status_code == unknown.status_code == 401
    assert wrong_password.json() == unknown.json()
    assert unknown.json()["error"] == "invalid_credentials"


def test_login_unknown_email_still_hashes_a_password(api, transactional_db):
    with mock.patch.object(
        MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode
    ) as encode:
        api.post(
            "/api/v1/auth/login",
            {"email": "nobody@example.com", "password": PASSWORD, "device_name": "X"},
        )

    # The time a password check takes is spent whether or not the address
    # exists, so timing does not tell which addresses have accounts.
    assert encode.called


def test_login_inactive_user_is_invalid_credentials(api, member):
    member.is_active = False
    member.save()

    response = api.login(member)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_credentials"


def test_login_user_without_password_is_invalid_credentials(api, member):
    member.set_unusable_password()
    member.save()

    response = api.login(member, password="anything")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_credentials"


def test_login_email_in_other_case_signs_in(api, member):
    response = api.post(
        "/api/v1/auth/login",
        {
            "email": "  " + member.email.upper() + " ",
            "password": PASSWORD,
            "device_name": "Pixel",
        },
    )

    assert response.status_code == 200


def test_login_after_ten_failures_is_rate_limited(api, member):
    for _ in range(10):
        assert api.login(member, password="wrong").status_code == 401

    response = api.login(member)

    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert response.json()["retry_after"] == 15 * 60
    assert response["Retry-After"] == str(15 * 60)
    assert "token" not in response.json()


def test_login_failures_on_web_form_count_for_api(api, client, member):
    for _ in range(10):
        client.post("/sign-in/", {"username": member.email, "password": "wrong"})

    response = api.login(member)

    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"


def test_login_nine_failures_then_right_password_passes(api, member):
    for _ in range(9):
        api.login(member, password="wrong")

    response = api.login(member)

    assert response.status_code == 200


def test_login_locked_second_step_is_429_locked(api, two_step_member):
    until = timezone.now() + timedelta(minutes=7)
    TwoStep.objects.filter(user=two_step_member).update(locked_until=until)

    response = api.login(two_step_member)

    assert response.status_code == 429
    assert response.json()["error"] == "locked"
    assert 6 * 60 < response.json()["retry_after"] <= 7 * 60
    assert response["Retry-After"] == str(response.json()["retry_after"])
    assert not SignInChallenge.objects.exists()


def test_verify_right_code_returns_token(api, two_step_member):
    challenge = _challenge(api, two_step_member, device_name="iPhone")

    response = _verify(api, challenge, code=last_emailed_code())

    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"
    token = AppToken.objects.get(user=two_step_member)
    assert token.device_name == "iPhone"
    assert api.get("/api/v1/me", token=response.json()["token"]).status_code == 200
    passed = SecurityEvent.objects.get(kind=Kind.SECOND_STEP_PASSED)
    assert passed.details["method"] == "email_code"


def test_verify_code_with_spaces_inside_is_accepted(api, two_step_member):
    challenge = _challenge(api, two_step_member)
    code = last_emailed_code()

    response = _verify(api, challenge, code=f" {code[:3]} {code[3:]} ")

    assert response.status_code == 200


@pytest.mark.parametrize("code", ["12a456", "12345", "1234567", "١٢٣٤٥٦"])
def test_verify_malformed_code_is_refused_without_a_try(api, two_step_member, code):
    challenge = _challenge(api, two_step_member)

    response = _verify(api, challenge, code=code)

    assert response.status_code == 400
    assert response.json()["error"] == "code_format"
    assert "token" not in response.json()
    assert EmailCode.objects.get().attempts == 0


def test_verify_wrong_code_says_tries_left(api, two_step_member):
    challenge = _challenge(api, two_step_member)
    wrong = f"{(int(last_emailed_code()) + 1) % 10**6:06d}"

    response = _verify(api, challenge, code=wrong)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_code"
    assert response.json()["attempts_left"] == 4


def test_verify_fifth_wrong_code_spends_it(api, two_step_member):
    challenge = _challenge(api, two_step_member)
    right = last_emailed_code()
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1):
        assert _verify(api, challenge, code=wrong).json()["attempts_left"] == left

    fifth = _verify(api, challenge, code=wrong)
    after = _verify(api, challenge, code=right)

    assert fifth.json()["error"] == "code_spent"
    assert after.status_code == 400
    assert after.json()["error"] == "code_spent"


def test_verify_same_challenge_twice_is_challenge_invalid(api, two_step_member):
    challenge = _challenge(api, two_step_member)
    code = last_emailed_code()
    assert _verify(api, challenge, code=code).status_code == 200

    response = _verify(api, challenge, code=code)

    assert response.status_code == 400
    assert response.json()["error"] == "challenge_invalid"


def test_verify_unknown_challenge_is_challenge_invalid(api, two_step_member):
    _challenge(api, two_step_member)

    response = _verify(api, "chl_" + "A" * 43, code=last_emailed_code())

    assert response.status_code == 400
    assert response.json()["error"] == "challenge_invalid"


def test_verify_challenge_older_than_ten_minutes_is_invalid(api, two_step_member):
    with freeze_time(NOW) as frozen:
        challenge = _challenge(api, two_step_member)
        frozen.tick(timedelta(minutes=10, seconds=1))

        response = _verify(api, challenge, code=last_emailed_code())

    assert response.status_code == 400
    assert response.json()["error"] == "challenge_invalid"
    assert "token" not in response.json()


def test_verify_challenge_just_under_ten_minutes_works(api, two_step_member):
    with freeze_time(NOW) as frozen:
        challenge = _challenge(api, two_step_member)
        frozen.tick(timedelta(minutes=9, seconds=59))

        response = _verify(api, challenge, code=last_emailed_code())

    assert response.status_code == 200


def test_verify_expired_code_is_code_expired(api, two_step_member, settings):
    settings.TWO_STEP = {"EMAIL_CODE_LIFETIME": timedelta(minutes=5)}
    with freeze_time(NOW) as frozen:
        challenge = _challenge(api, two_step_member)
        frozen.tick(timedelta(minutes=5, seconds=1))

        response = _verify(api, challenge, code=last_emailed_code())

    assert response.status_code == 400
    assert response.json()["error"] == "code_expired"


def test_verify_code_of_other_challenge_is_refused(api, two_step_member):
    with freeze_time(NOW) as frozen:
        first = _challenge(api, two_step_member, device_name="Phone")
        first_code = last_emailed_code()
        frozen.tick(timedelta(seconds=61))
        second = _challenge(api, two_step_member, device_name="Tablet")

        response = _verify(api, second, code=first_code)

    assert first != second
    assert response.status_code == 400
    assert "token" not in response.json()


def test_verify_web_sign_in_code_does_not_work_in_app(
    api, client, sign_in, two_step_member
):
    with freeze_time(NOW) as frozen:
        challenge = _challenge(api, two_step_member)
        frozen.tick(timedelta(seconds=61))
        sign_in(two_step_member)
        client.get("/sign-in/verify/")
        web_code = last_emailed_code()

        response = _verify(api, challenge, code=web_code)

    assert response.status_code == 400
    assert not AppToken.objects.exists()


def test_verify_backup_code_returns_token_and_counts_down(
    api, two_step_member, fresh_backup_codes
):
    challenge = _challenge(api, two_step_member)
    backup = fresh_backup_codes[0]

    response = _verify(api, challenge, backup_code=backup)

    assert response.status_code == 200
    me = api.get("/api/v1/me", token=response.json()["token"]).json()
    assert me["two_step"]["backup_codes_left"] == 9
    assert "backup code" in mail.outbox[-1].body.lower()


def test_verify_used_backup_code_is_refused(api, two_step_member, fresh_backup_codes):
    backup = fresh_backup_codes[0]
    first = _challenge(api, two_step_member)
    assert _verify(api, first, backup_code=backup).status_code == 200
    with freeze_time(timezone.now() + timedelta(seconds=61)):
        second = _challenge(api, two_step_member)

        response = _verify(api, second, backup_code=backup)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_code"


def test_verify_malformed_backup_code_is_refused(api, two_step_member):
    challenge = _challenge(api, two_step_member)

    response = _verify(api, challenge, backup_code="not-a-code")

    assert response.status_code == 400
    assert response.json()["error"] == "backup_code_format"


@pytest.mark.parametrize(
    "fields",
    [{}, {"code": "123456", "backup_code": "ABCD-EFGH-JKMN-PQRS"}],
    ids=["neither", "both"],
)
def test_verify_needs_exactly_one_kind_of_code(api, two_step_member, fields):
    challenge = _challenge(api, two_step_member)

    response = _verify(api, challenge, **fields)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_verify_while_locked_is_429_locked(api, two_step_member):
    challenge = _challenge(api, two_step_member)
    until = timezone.now() + timedelta(minutes=15)
    TwoStep.objects.filter(user=two_step_member).update(locked_until=until)

    response = _verify(api, challenge, code=last_emailed_code())

    assert response.status_code == 429
    assert response.json()["error"] == "locked"
    assert response.json()["retry_after"] > 14 * 60
    assert "Retry-After" in response


def test_verify_failures_share_the_web_lockout(api, two_step_member):
    challenge = _challenge(api, two_step_member)
    TwoStep.objects.filter(user=two_step_member).update(failed_attempts=9)
    wrong = f"{(int(last_emailed_code()) + 1) % 10**6:06d}"

    _verify(api, challenge, code=wrong)
    response = _verify(api, challenge, code=last_emailed_code())

    assert response.status_code == 429
    assert response.json()["error"] == "locked"
    assert SecurityEvent.objects.filter(kind=Kind.LOCKED).exists()


def test_resend_within_a_minute_must_wait(api, two_step_member):
    with freeze_time(NOW) as frozen:
        challenge = _challenge(api, two_step_member)
        frozen.tick(timedelta(seconds=20))

        response = api.post("/api/v1/auth/resend", {"challenge": challenge})

    assert response.status_code == 429
    assert response.json()["error"] == "resend_wait"
    assert response.json()["retry_after"] == 40
    assert response["Retry-After"] == "40"


def test_resend_after_a_minute_sends_new_code(api, two_step_member):
    with freeze_time(NOW) as frozen:
        challenge = _challenge(api, two_step_member)
        old = last_emailed_code()
        frozen.tick(timedelta(seconds=61))

        response = api.post("/api/v1/auth/resend", {"challenge": challenge})
        new = last_emailed_code()
        refused = _verify(api, challenge, code=old) if old != new else None
        accepted = _verify(api, challenge, code=new)

    assert response.status_code == 200
    assert response.json() == {"resend_in": 60}
    assert refused is None or refused.status_code == 400
    assert accepted.status_code == 200


def test_resend_sixth_code_in_fifteen_minutes_is_refused(api, two_step_member):
    with freeze_time(NOW) as frozen:
        challenge = _challenge(api, two_step_member)
        for _ in range(4):
            frozen.tick(timedelta(seconds=61))
            assert (
                api.post("/api/v1/auth/resend", {"challenge": challenge}).status_code
                == 200
            )
        frozen.tick(timedelta(seconds=61))

        response = api.post("/api/v1/auth/resend", {"challenge": challenge})

    assert response.status_code == 429
    assert response.json()["error"] == "too_many_codes"
    assert response.json()["retry_after"] > 0


def test_resend_unknown_challenge_is_challenge_invalid(api, two_step_member):
    response = api.post("/api/v1/auth/resend", {"challenge": "chl_nope"})

    assert response.status_code == 400
    assert response.json()["error"] == "challenge_invalid"
    assert not mail.outbox


def test_resend_expired_challenge_is_challenge_invalid(api, two_step_member):
    with freeze_time(NOW) as frozen:
        challenge = _challenge(api, two_step_member)
        frozen.tick(timedelta(minutes=10, seconds=1))

        response = api.post("/api/v1/auth/resend", {"challenge": challenge})

    assert response.status_code == 400
    assert response.json()["error"] == "challenge_invalid"


def test_login_of_member_in_two_workspaces_follows_strictest(api, member):
    MembershipFactory(user=member)  # a second workspace, without a policy
    make_setup_overdue_unchecked(member)

    response = api.login(member)

    assert response.status_code == 403


def test_login_drops_the_users_challenges_long_expired(api, two_step_member):
    with freeze_time(NOW) as frozen:
        _challenge(api, two_step_member)
        frozen.tick(timedelta(days=1, minutes=11))

        _challenge(api, two_step_member)

    assert SignInChallenge.objects.filter(user=two_step_member).count() == 1
