import re
from datetime import UTC, datetime, timedelta

from django.test import Client

import pytest
from freezegun import freeze_time

from security.models import BackupCode, EmailCode, SecurityEvent, TwoStep
from tests.factories import PASSWORD, enable_two_step_unchecked, last_emailed_code
from tests.security.pages import error_code

# Rolled back, not flushed: see `commits_as_in_production`.
pytestmark = pytest.mark.django_db

VERIFY = "/sign-in/verify/"
BACKUP = "/sign-in/backup-code/"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_verify_page_sends_a_code_and_shows_the_masked_address(
    pending_client, user, mailoutbox
):
    response = pending_client.get(VERIFY)

    page = response.content.decode()
    assert response.status_code == 200
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]
    assert response.context["email_hint"] in page
    assert user.email not in page
    assert "Resend code" in page
    assert "Use a backup code" in page


def test_verify_page_reloaded_sends_no_second_code(pending_client, mailoutbox):
    pending_client.get(VERIFY)

    pending_client.get(VERIFY)

    assert len(mailoutbox) == 1


def test_verify_with_emailed_code_signs_in(pending_client, user, mailoutbox):
    pending_client.get(VERIFY)

    response = pending_client.post(VERIFY, {"code": last_emailed_code()})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert pending_client.get("/settings/profile/").status_code == 200
    assert SecurityEvent.objects.filter(
        user=user, kind="second_step_passed", details__method="email_code"
    ).exists()


def test_verify_with_code_typed_with_a_space_signs_in(pending_client, mailoutbox):
    pending_client.get(VERIFY)
    code = last_emailed_code()

    response = pending_client.post(VERIFY, {"code": f"{code[:3]} {code[3:]}"})

    assert response.status_code == 302
    assert pending_client.get("/settings/profile/").status_code == 200


def test_verify_with_wrong_code_says_how_many_tries_are_left(
    pending_client, mailoutbox
):
    pending_client.get(VERIFY)

    response = pending_client.post(VERIFY, {"code": _wrong(last_emailed_code())})

    assert error_code(response) == "code_wrong"
    assert "You have 4 more tries" in response.content.decode()
    assert pending_client.get("/settings/profile/").status_code == 302


def test_verify_with_letters_is_refused_without_a_try(pending_client, mailoutbox):
    pending_client.get(VERIFY)

    response = pending_client.post(VERIFY, {"code": "12ab56"})

    assert error_code(response) == "code_format"
    assert EmailCode.objects.get().attempts == 0


def test_verify_with_code_of_another_sign_in_is_refused(
    pending_client, user, mailoutbox
):
    pending_client.get(VERIFY)
    code = last_emailed_code()
    elsewhere = Client()
    elsewhere.post("/sign-in/", {"username": user.email, "password": PASSWORD})

    response = elsewhere.post(VERIFY, {"code": code})

    assert error_code(response) == "code_missing"
    assert elsewhere.get("/settings/profile/").status_code == 302


def test_resend_within_a_minute_shows_the_wait(pending_client, mailoutbox):
    with freeze_time(T0) as clock:
        pending_client.get(VERIFY)
        clock.move_to(T0 + timedelta(seconds=20))

        response = pending_client.post(VERIFY, {"resend": ""}, follow=True)

    page = response.content.decode()
    assert "Please wait 40 seconds before asking for another code." in page
    assert "You can ask for a new code in 40 seconds." in page
    assert 'data-wait-seconds="40"' in page
    assert len(mailoutbox) == 1


def test_resend_after_a_minute_sends_a_new_code_that_works(pending_client, mailoutbox):
    with freeze_time(T0) as clock:
        pending_client.get(VERIFY)
        clock.move_to(T0 + timedelta(seconds=60) + SECOND)

        pending_client.post(VERIFY, {"resend": ""})
        second = last_emailed_code()
        response = pending_client.post(VERIFY, {"code": second})

    assert len(mailoutbox) == 2
    assert response.status_code == 302
    assert EmailCode.objects.filter(status="replaced").count() == 1


def test_verify_after_ten_wrong_codes_is_locked_and_warns_by_email(
    pending_client, user, mailoutbox
):
    with freeze_time(T0) as clock:
        pending_client.get(VERIFY)
        for _ in range(5):
            pending_client.post(VERIFY, {"code": _wrong(last_emailed_code())})
        clock.move_to(T0 + timedelta(seconds=61))
        pending_client.post(VERIFY, {"resend": ""})
        code = last_emailed_code()
        for _ in range(5):
            pending_client.post(VERIFY, {"code": _wrong(code)})

        response = pending_client.post(VERIFY, {"code": code})

    assert error_code(response) == "locked"
    assert "locked for your safety; try again in 15 minutes" in (
        response.content.decode()
    )
    assert mailoutbox[-1].subject == (
        "Too many wrong codes: sign-in is locked for a while"
    )
    assert TwoStep.objects.get(user=user).locked_until == T0 + timedelta(
        seconds=61, minutes=15
    )
    assert SecurityEvent.objects.filter(user=user, kind="locked").count() == 1


def test_verify_locked_refuses_a_backup_code_too(client, user, mailoutbox):
    codes = enable_two_step_unchecked(user)
    TwoStep.objects.filter(user=user).update(
        locked_until=datetime.now(UTC) + timedelta(minutes=15)
    )
    client.post("/sign-in/", {"username": user.email, "password": PASSWORD})

    response = client.post(BACKUP, {"code": codes[0]})

    assert error_code(response) == "locked"
    assert BackupCode.objects.filter(used_at__isnull=False).count() == 0


def test_backup_code_signs_in_uses_it_up_and_emails_what_remains(
    client, user, mailoutbox
):
    codes = enable_two_step_unchecked(user)
    client.post("/sign-in/", {"username": user.email, "password": PASSWORD})

    response = client.post(BACKUP, {"code": codes[0].lower()})

    assert response.status_code == 302
    assert client.get("/settings/profile/").status_code == 200
    assert BackupCode.objects.filter(user=user, used_at__isnull=False).count() == 1
    message = mailoutbox[-1]
    assert message.subject == "A backup code was used to sign in"
    assert "9 backup codes left" in message.body
    assert not any(code in message.body for code in codes)
    assert not re.search(r"\b\d{6}\b", message.subject)


def test_backup_code_used_before_is_refused(client, user, mailoutbox):
    codes = enable_two_step_unchecked(user)
    client.post("/sign-in/", {"username": user.email, "password": PASSWORD})
    client.post(BACKUP, {"code": codes[0]})
    client.post("/sign-out/")
    client.post("/sign-in/", {"username": user.email, "password": PASSWORD})

    response = client.post(BACKUP, {"code": codes[0]})

    assert error_code(response) == "backup_code_wrong"
    assert client.get("/settings/profile/").status_code == 302


def test_backup_code_in_wrong_format_is_refused(pending_client):
    response = pending_client.post(BACKUP, {"code": "ABC-123"})

    assert error_code(response) == "backup_code_format"


def test_verify_when_not_pending_goes_on(verified_client):
    response = verified_client.get(VERIFY + "?next=/settings/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/settings/profile/"
