import logging
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from freezegun import freeze_time

from security import backup_codes, second_step
from security.errors import TwoStepError
from security.models import BackupCode, EmailCode, SecurityEvent, TwoStep
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    enable_two_step_unchecked,
    last_emailed_code,
)
from tests.security.pages import error_code

# Rolled back, not flushed: see `commits_as_in_production`.
pytestmark = pytest.mark.django_db

ENABLE = "/settings/security/enable/"
DISABLE = "/settings/security/disable/"
SECURITY = "/settings/security/"
SIX_DIGITS = re.compile(r"\b\d{6}\b")


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _two_step_on(user) -> bool:
    return TwoStep.objects.filter(user=user, enabled_at__isnull=False).exists()


def _send_enable_code(client) -> str:
    client.post(ENABLE, {"send": ""})
    return last_emailed_code()


def _send_disable_code(client) -> str:
    client.post(DISABLE, {"send": "", "password": PASSWORD})
    return last_emailed_code()


def test_enable_send_code_emails_it_and_says_where(signed_in_client, user, mailoutbox):
    response = signed_in_client.post(ENABLE, {"send": ""}, follow=True)

    assert mailoutbox[-1].to == [user.email]
    assert SIX_DIGITS.search(mailoutbox[-1].body)
    assert "We sent a 6-digit code to u" in response.content.decode()
    assert user.email not in response.content.decode()
    assert not _two_step_on(user)


def test_enable_confirm_turns_on_and_shows_backup_codes_once(
    signed_in_client, user, mailoutbox
):
    code = _send_enable_code(signed_in_client)

    response = signed_in_client.post(ENABLE, {"code": code, "confirm": ""})

    codes = response.context["codes"]
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert len(codes) == 10
    assert all(shown in response.content.decode() for shown in codes)
    assert _two_step_on(user)
    page = signed_in_client.get(SECURITY).content.decode()
    assert "Active" in page
    assert "Backup codes left: <strong>10</strong>" in page
    assert not any(shown in page for shown in codes)


def test_enable_confirm_emails_a_confirmation_without_any_code(
    signed_in_client, user, mailoutbox
):
    code = _send_enable_code(signed_in_client)

    response = signed_in_client.post(ENABLE, {"code": code, "confirm": ""})

    message = mailoutbox[-1]
    assert message.subject == "Two-step verification is now on"
    assert not SIX_DIGITS.search(message.body)
    assert not any(shown in message.body for shown in response.context["codes"])
    assert "If this was not you" in message.body
    assert "When: " in message.body
    assert SecurityEvent.objects.filter(user=user, kind="two_step_enabled").exists()


def test_enable_confirm_signs_out_other_sessions_and_keeps_this_one(
    signed_in_client, second_client, user, mailoutbox
):
    other = second_client(user)
    assert other.get("/settings/profile/").status_code == 200
    code = _send_enable_code(signed_in_client)

    signed_in_client.post(ENABLE, {"code": code, "confirm": ""})

    assert other.get("/settings/profile/")["Location"].startswith("/sign-in/")
    assert "_auth_user_id" not in other.session
    assert signed_in_client.get("/settings/profile/").status_code == 200


def test_enable_confirm_submitted_twice_makes_one_set_of_backup_codes(
    signed_in_client, user, mailoutbox
):
    code = _send_enable_code(signed_in_client)

    first = signed_in_client.post(ENABLE, {"code": code, "confirm": ""})
    second = signed_in_client.post(ENABLE, {"code": code, "confirm": ""})

    assert second.status_code == 302
    told = [str(m) for m in second.wsgi_request._messages]
    assert told[-1].startswith("Two-step verification is already on.")
    assert BackupCode.objects.filter(user=user).count() == 10
    assert backup_codes.redeem_backup_code(user=user, code=first.context["codes"][0])


@pytest.mark.parametrize(
    ("typed", "key"),
    [("000000", "code_wrong"), ("12a456", "code_format"), ("12345", "code_format")],
)
def test_enable_confirm_bad_code_changes_nothing(
    signed_in_client, second_client, user, mailoutbox, typed, key
):
    other = second_client(user)
    code = _send_enable_code(signed_in_client)
    if typed == code:
        typed = "999999"

    response = signed_in_client.post(ENABLE, {"code": typed, "confirm": ""})

    assert response.status_code == 200
    assert error_code(response, form="enable_form") == key
    # A wrong code still costs a try: refusing must not roll the try back.
    assert EmailCode.objects.get(user=user).attempts == (key == "code_wrong")
    assert not _two_step_on(user)
    assert not BackupCode.objects.filter(user=user).exists()
    assert other.get("/settings/profile/").status_code == 200
    assert mailoutbox[-1].subject == "Your code to turn on two-step verification"


def test_enable_without_csrf_token_is_refused(user, mailoutbox):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(ENABLE, {"send": ""})

    assert response.status_code == 403
    assert not EmailCode.objects.exists()
    assert mailoutbox == []


def test_disable_without_csrf_token_is_refused(user, mailoutbox):
    enable_two_step_unchecked(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    session = client.session
    session[second_step.PASSED] = True
    session.save()
    assert client.get(SECURITY).status_code == 200

    response = client.post(DISABLE, {"send": "", "password": PASSWORD})

    assert response.status_code == 403
    assert mailoutbox == []
    assert _two_step_on(user)


def test_disable_needs_password_code_then_voids_backup_codes(
    verified_client, user, mailoutbox
):
    code = _send_disable_code(verified_client)

    response = verified_client.post(DISABLE, {"code": code, "confirm": ""})

    assert response.status_code == 302
    assert not _two_step_on(user)
    assert not BackupCode.objects.filter(user=user).exists()
    assert mailoutbox[-1].subject == "Two-step verification is now off"
    assert not SIX_DIGITS.search(mailoutbox[-1].body)


def test_disable_old_backup_codes_no_longer_work(client, user, sign_in, mailoutbox):
    sign_in(user)
    code = _send_enable_code(client)
    shown = client.post(ENABLE, {"code": code, "confirm": ""}).context["codes"]
    code = _send_disable_code(client)
    client.post(DISABLE, {"code": code, "confirm": ""})

    with pytest.raises(TwoStepError) as refused:
        backup_codes.redeem_backup_code(user=user, code=shown[0])

    assert refused.value.code == "backup_code_wrong"


def test_disable_then_sign_in_needs_no_second_step(
    verified_client, user, sign_in, mailoutbox
):
    code = _send_disable_code(verified_client)
    verified_client.post(DISABLE, {"code": code, "confirm": ""})
    verified_client.post("/sign-out/")

    sign_in(user)

    assert verified_client.get("/settings/profile/").status_code == 200


def test_disable_with_wrong_password_sends_nothing(verified_client, user, mailoutbox):
    response = verified_client.post(DISABLE, {"send": "", "password": "not it"})

    assert error_code(response, field="password", form="password_form") == (
        "password_wrong"
    )
    assert mailoutbox == []
    assert not EmailCode.objects.filter(purpose="disable").exists()


def test_disable_with_code_but_no_password_changes_nothing(
    verified_client, user, mailoutbox
):
    response = verified_client.post(DISABLE, {"code": "123456", "confirm": ""})

    assert error_code(response, form="disable_form") == "password_required"
    assert _two_step_on(user)
    assert BackupCode.objects.filter(user=user).count() == 10


def test_disable_with_wrong_code_changes_nothing(verified_client, user, mailoutbox):
    code = _send_disable_code(verified_client)
    response = verified_client.post(DISABLE, {"code": _wrong(code), "confirm": ""})

    assert error_code(response, form="disable_form") == "code_wrong"
    assert EmailCode.objects.get(purpose="disable").attempts == 1
    assert TwoStep.objects.get(user=user).failed_attempts == 1
    assert _two_step_on(user)
    assert BackupCode.objects.filter(user=user).count() == 10


def test_disable_with_enable_code_is_refused(verified_client, user, mailoutbox):
    code = _send_disable_code(verified_client)
    EmailCode.objects.filter(purpose="disable").update(purpose="enable")

    response = verified_client.post(DISABLE, {"code": code, "confirm": ""})

    assert error_code(response, form="disable_form") == "code_missing"
    assert _two_step_on(user)


def test_disable_in_a_mandatory_workspace_is_refused(verified_client, user, mailoutbox):
    MembershipFactory(
        user=user,
        workspace__name="Acme",
        workspace__two_step_required_since=timezone.now(),
        workspace__compliance_period_days=3,
    )

    response = verified_client.post(DISABLE, {"send": "", "password": PASSWORD})

    assert error_code(response, field="password", form="password_form") == (
        "mandatory_policy"
    )
    assert "mandatory in Acme" in response.content.decode()
    assert mailoutbox == []
    assert _two_step_on(user)


def test_security_page_counts_backup_codes_left_and_never_shows_them(
    client, user, sign_in, mailoutbox
):
    sign_in(user)
    code = _send_enable_code(client)
    shown = client.post(ENABLE, {"code": code, "confirm": ""}).context["codes"]
    backup_codes.redeem_backup_code(user=user, code=shown[0])

    page = client.get(SECURITY).content.decode()

    assert "Backup codes left: <strong>9</strong>" in page
    assert not any(code in page for code in shown)


def _appears(secret: str, text: str) -> bool:
    """Whether `secret` is in `text` as itself, not inside a longer hex run."""
    return re.search(rf"(?<![0-9A-Fa-f]){re.escape(secret)}(?![0-9A-Fa-f])", text)


@freeze_time("2026-03-02 09:00:00")
def test_two_step_whole_life_logs_no_code_and_no_password(client, caplog, mailoutbox):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    password = "a fresh long passphrase 93"
    secrets = [password]

    with CaptureQueriesContext(connection) as queries:
        client.post(
            "/sign-up/",
            {
                "name": "Dana Lee",
                "email": "dana@example.com",
                "password": password,
                "workspace_name": "Dana's team",
                "time_zone": "UTC",
            },
        )
        secrets.append(_send_enable_code(client))
        shown = client.post(ENABLE, {"code": secrets[-1], "confirm": ""})
        secrets += shown.context["codes"]
        client.post("/sign-out/")
        client.post("/sign-in/", {"username": "dana@example.com", "password": password})
        client.get("/sign-in/verify/")
        secrets.append(last_emailed_code())
        client.post("/sign-in/verify/", {"code": _wrong(secrets[-1])})
        client.post("/sign-in/verify/", {"code": secrets[-1]})
        client.post("/sign-out/")
        client.post("/sign-in/", {"username": "dana@example.com", "password": password})
        client.post("/sign-in/backup-code/", {"code": secrets[3]})
        client.post(DISABLE, {"send": "", "password": "not the password"})
        client.post(DISABLE, {"send": "", "password": password})
        secrets.append(last_emailed_code())
        client.post(DISABLE, {"code": secrets[-1], "confirm": ""})

    kinds = list(SecurityEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds.count("second_step_passed") == 2
    assert kinds[-1] == "two_step_disabled"
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    sql = " ".join(str(query) for query in queries.captured_queries)
    audit = " ".join(str(event.__dict__) for event in SecurityEvent.objects.all())
    assert "django.db.backends" in caplog.text
    for secret in secrets:
        for seen in (logged, sql, audit):
            assert not _appears(secret, seen)
            assert not _appears(secret.replace("-", ""), seen)


def test_disable_without_a_password_on_the_account_asks_to_set_one(
    client, user, mailoutbox
):
    enable_two_step_unchecked(user)
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    session = client.session
    session[second_step.PASSED] = True
    session.save()

    page = client.get(SECURITY)
    response = client.post(DISABLE, {"send": "", "password": "anything at all"})

    assert "Set a password first" in page.content.decode()
    assert error_code(response, field="password", form="password_form") == (
        "password_not_set"
    )
    assert mailoutbox == []
    assert _two_step_on(user)


NEW_CODES = "/settings/security/backup-codes/"


def test_new_backup_codes_in_a_mandatory_workspace_replace_the_old_set(
    verified_client, user, mailoutbox
):
    MembershipFactory(
        user=user,
        workspace__name="Acme",
        workspace__two_step_required_since=timezone.now(),
        workspace__compliance_period_days=3,
    )
    old_codes = backup_codes.replace_codes(user=user)
    verified_client.post(NEW_CODES, {"send": "", "password": PASSWORD})

    response = verified_client.post(NEW_CODES, {"code": last_emailed_code()})

    shown = re.findall(r"<li>([0-9A-Z-]{19})</li>", response.content.decode())
    assert len(shown) == 10 and not set(shown) & set(old_codes)
    assert "no-store" in response["Cache-Control"]
    assert _two_step_on(user)
    with pytest.raises(TwoStepError):
        backup_codes.redeem_backup_code(user=user, code=old_codes[0])
    assert backup_codes.redeem_backup_code(user=user, code=shown[0]) == 9
    assert SecurityEvent.objects.filter(kind="backup_codes_replaced").exists()
    assert any("new backup codes" in m.subject for m in mailoutbox)
    assert not any(code in m.body for m in mailoutbox for code in shown)


def test_new_backup_codes_need_the_password_first(verified_client, user, mailoutbox):
    wrong = verified_client.post(NEW_CODES, {"send": "", "password": "nope"})
    skipped = verified_client.post(NEW_CODES, {"code": "123456"})

    assert error_code(wrong, "password", "new_codes_password_form") == (
        "password_wrong"
    )
    assert error_code(skipped, "code", "new_codes_form") == "password_required"
    assert mailoutbox == []


def test_new_backup_codes_sign_in_code_is_refused(verified_client, user, mailoutbox):
    verified_client.post(NEW_CODES, {"send": "", "password": PASSWORD})
    before = set(BackupCode.objects.values_list("code_hash", flat=True))
    verified_client.post(DISABLE, {"send": "", "password": PASSWORD})

    response = verified_client.post(NEW_CODES, {"code": last_emailed_code()})

    assert error_code(response, "code", "new_codes_form") in {
        "code_wrong",
        "code_replaced",
    }
    assert set(BackupCode.objects.values_list("code_hash", flat=True)) == before
