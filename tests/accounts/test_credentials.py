import re

from django.core import mail
from django.test import Client

import pytest

from accounts.models import User
from security.models import SecurityEvent
from tests.factories import PASSWORD, enable_two_step_unchecked, last_emailed_code

NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
def two_step_client(client, user, sign_in, mailoutbox):
    """A client signed in as `user`, with 2FA on and the second step passed."""
    enable_two_step_unchecked(user)
    sign_in(user)
    client.get("/sign-in/verify/")
    client.post("/sign-in/verify/", {"code": last_emailed_code()})
    mail.outbox.clear()
    return client


def test_change_password_without_two_step_needs_only_current_password(
    client, user, sign_in
):
    sign_in(user)

    response = client.post(
        "/settings/password/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_change_password_with_two_step_and_no_code_changes_nothing(
    two_step_client, user
):
    response = two_step_client.post(
        "/settings/password/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["code"][0].code == "required"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_with_two_step_and_code_signs_out_other_sessions(
    two_step_client, user
):
    other = Client()
    other.force_login(user)
    session = other.session
    session["security.second_step_passed"] = True
    session.save()
    assert other.get("/settings/profile/").status_code == 200

    two_step_client.post("/settings/password/", {"send": "1"})
    response = two_step_client.post(
        "/settings/password/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "code": last_emailed_code(),
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert two_step_client.get("/settings/profile/").status_code == 200
    assert other.get("/settings/profile/").status_code == 302
    assert SecurityEvent.objects.filter(
        user=user, kind=SecurityEvent.Kind.PASSWORD_CHANGED
    ).exists()


def test_change_password_with_sign_in_code_is_refused(two_step_client, user):
    two_step_client.post("/settings/email/", {"send": "1"})
    wrong_purpose_code = last_emailed_code()

    response = two_step_client.post(
        "/settings/password/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "code": wrong_purpose_code,
        },
    )

    assert response.context["form"].errors.as_data()["code"][0].code == "code_missing"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_set_first_password_for_account_without_one(client, user):
    user.set_unusable_password()
    user.save()
    client.force_login(user)

    response = client.post(
        "/settings/password/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def _confirmation_link():
    body = mail.outbox[-1].body
    return re.search(r"http://testserver(/settings/email/confirm/\S+/)", body).group(1)


def test_change_email_is_used_only_after_the_link_is_opened(
    client, user, sign_in, mailoutbox
):
    sign_in(user)
    old_email = user.email

    client.post("/settings/email/", {"email": "New@Example.com", "password": PASSWORD})
    link = _confirmation_link()
    user.refresh_from_db()

    assert user.email == old_email
    assert mailoutbox[-1].to == ["new@example.com"]

    client.get(link)
    user.refresh_from_db()
    assert user.email == old_email

    response = client.post(link)

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert mailoutbox[-1].to == [old_email]


def test_change_email_link_works_once(client, user, sign_in, mailoutbox):
    sign_in(user)
    client.post("/settings/email/", {"email": "next@example.com", "password": PASSWORD})
    link = _confirmation_link()
    client.post(link)

    response = client.post(link)

    assert response.status_code == 400
    assert response.context["error"].code == "link_used"


def test_change_email_tampered_link_is_refused(client, user, sign_in, mailoutbox):
    sign_in(user)
    client.post("/settings/email/", {"email": "next@example.com", "password": PASSWORD})

    response = client.post(_confirmation_link().replace(":", "x", 1))

    assert response.status_code == 400
    assert response.context["error"].code == "link_invalid"
    assert User.objects.filter(email="next@example.com").count() == 0


def test_change_email_with_wrong_password_sends_nothing(
    client, user, sign_in, mailoutbox
):
    sign_in(user)
    mail.outbox.clear()

    response = client.post(
        "/settings/email/", {"email": "next@example.com", "password": "nope"}
    )

    assert response.context["form"].errors.as_data()["password"][0].code == (
        "password_wrong"
    )
    assert mailoutbox == []


def test_change_email_with_two_step_needs_a_code(two_step_client, user, mailoutbox):
    response = two_step_client.post(
        "/settings/email/", {"email": "next@example.com", "password": PASSWORD}
    )

    assert response.context["form"].errors.as_data()["code"][0].code == "required"
    assert mailoutbox == []

    two_step_client.post("/settings/email/", {"send": "1"})
    response = two_step_client.post(
        "/settings/email/",
        {
            "email": "next@example.com",
            "password": PASSWORD,
            "code": last_emailed_code(),
        },
    )

    assert response.status_code == 302
    assert mailoutbox[-1].to == ["next@example.com"]


def test_change_email_old_link_cannot_take_the_address_back(
    client, user, sign_in, mailoutbox
):
    sign_in(user)
    original = user.email
    client.post(
        "/settings/email/", {"email": "moved@example.com", "password": PASSWORD}
    )
    first_link = _confirmation_link()
    client.post(first_link)
    client.post("/settings/email/", {"email": original, "password": PASSWORD})
    client.post(_confirmation_link())

    response = client.post(first_link)

    assert response.status_code == 400
    assert response.context["error"].code == "link_used"
    user.refresh_from_db()
    assert user.email == original


def test_change_email_second_pending_link_dies_with_the_first_use(
    client, user, sign_in, mailoutbox
):
    sign_in(user)
    client.post("/settings/email/", {"email": "one@example.com", "password": PASSWORD})
    first_link = _confirmation_link()
    client.post("/settings/email/", {"email": "two@example.com", "password": PASSWORD})
    second_link = _confirmation_link()
    client.post(second_link)

    response = client.post(first_link)

    assert response.context["error"].code == "link_used"
    user.refresh_from_db()
    assert user.email == "two@example.com"


def test_change_email_used_link_says_so_before_any_confirm(
    client, user, sign_in, mailoutbox
):
    sign_in(user)
    client.post("/settings/email/", {"email": "next@example.com", "password": PASSWORD})
    link = _confirmation_link()
    client.post(link)

    response = client.get(link)

    assert response.status_code == 400
    assert response.context["error"].code == "link_used"
