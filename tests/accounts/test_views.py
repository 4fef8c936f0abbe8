import re

from django.test import Client

from accounts.models import User
from security.models import UserSession
from tests.factories import PASSWORD, UserFactory, enable_two_step_unchecked
from workspace.models import Membership

NEW_PASSWORD = "an entirely new passphrase 71"


def _sign_up(client, **overrides):
    data = {
        "name": "Dana Lee",
        "email": "Dana.Lee@Example.com",
        "password": "a fresh long passphrase 93",
        "workspace_name": "Dana's team",
        "time_zone": "Europe/Berlin",
        **overrides,
    }
    return client.post("/sign-up/", data)


def _reset_link(mailoutbox) -> str:
    return re.search(r"http://testserver(/\S+/)", mailoutbox[-1].body).group(1)


def test_sign_up_creates_a_workspace_whose_first_user_is_admin(client, db):
    response = _sign_up(client)

    user = User.objects.get()
    membership = Membership.objects.get(user=user)
    assert response.status_code == 302
    assert user.email == "dana.lee@example.com"
    assert membership.role == Membership.Role.ADMIN
    assert membership.workspace.name == "Dana's team"
    assert client.get("/").status_code == 200


def test_sign_up_with_an_address_taken_in_another_case_is_refused(client, user):
    response = _sign_up(client, email=f"  {user.email.upper()} ")

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["email"][0].code == ("email_taken")
    assert User.objects.count() == 1


def test_sign_up_with_a_weak_password_changes_nothing(client, db):
    response = _sign_up(client, password="dana")

    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert not User.objects.exists()


def test_sign_in_with_upper_case_email_works(client, user):
    response = client.post(
        "/sign-in/", {"username": user.email.upper(), "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.get("/settings/profile/").status_code == 200


def test_sign_in_with_wrong_password_is_refused(client, user):
    response = client.post("/sign-in/", {"username": user.email, "password": "no"})

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["__all__"][0].code == (
        "invalid_login"
    )
    assert "_auth_user_id" not in client.session


def test_sign_in_registers_the_session(client, user, sign_in):
    sign_in(user)

    row = UserSession.objects.get(user=user)
    assert client.session["security.session_ref"] == row.ref


def test_sign_out_ends_the_session(client, user, sign_in):
    sign_in(user)

    response = client.post("/sign-out/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.filter(user=user).exists()
    assert client.get("/settings/profile/")["Location"].startswith("/sign-in/")


def test_password_reset_sends_a_link_that_sets_the_password(client, user, mailoutbox):
    client.post("/password-reset/", {"email": user.email.upper()})
    form_page = client.get(_reset_link(mailoutbox), follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.check_password(NEW_PASSWORD)
    assert mailoutbox[-1].subject == "Your kommo2fa password was changed"
    assert "_auth_user_id" not in client.session


def test_password_reset_signs_out_every_session(client, user, mailoutbox):
    signed_in = Client()
    signed_in.post("/sign-in/", {"username": user.email, "password": PASSWORD})
    assert signed_in.get("/settings/profile/").status_code == 200
    client.post("/password-reset/", {"email": user.email})
    form_page = client.get(_reset_link(mailoutbox), follow=True)

    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert signed_in.get("/settings/profile/")["Location"].startswith("/sign-in/")
    assert not UserSession.objects.filter(user=user).exists()


def test_password_reset_for_unknown_address_sends_nothing(client, db, mailoutbox):
    UserFactory(email="someone@example.com")

    response = client.post("/password-reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert mailoutbox == []


def test_password_reset_does_not_skip_the_second_step(client, user, mailoutbox):
    enable_two_step_unchecked(user)
    client.post("/password-reset/", {"email": user.email})
    form_page = client.get(_reset_link(mailoutbox), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    client.post("/sign-in/", {"username": user.email, "password": NEW_PASSWORD})

    response = client.get("/settings/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/verify/")


def test_sign_up_workspace_name_with_a_line_break_is_refused(client, db):
    response = client.post(
        "/sign-up/",
        {
            "name": "Ada",
            "email": "ada@example.com",
            "password": "a long enough passphrase 7",
            "workspace_name": "Acme\r\nBcc: spy@example.com",
            "time_zone": "UTC",
        },
    )

    errors = response.context["form"].errors.as_data()["workspace_name"]
    assert errors[0].code == "name_control_characters"
    assert not User.objects.filter(email="ada@example.com").exists()


def test_sign_out_by_get_asks_and_keeps_the_session(client, user, sign_in):
    sign_in(user)

    response = client.get("/sign-out/")

    assert b"Sign out?" in response.content
    assert client.get("/settings/profile/").status_code == 200
