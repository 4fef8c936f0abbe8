from django.test import RequestFactory

from freezegun import freeze_time

from accounts import throttle
from security.lockout import two_step_for
from tests.factories import PASSWORD, enable_two_step_unchecked


def _request():
    return RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")


def test_password_matches_after_ten_wrong_is_throttled_even_when_right(user):
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL_AND_IP):
        assert not throttle.password_matches(
            user=user, password="wrong", request=_request()
        )

    result = throttle.password_matches(user=user, password=PASSWORD, request=_request())

    assert result is None


def test_password_matches_right_password_clears_the_count(user):
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL_AND_IP - 1):
        throttle.password_matches(user=user, password="wrong", request=_request())

    assert throttle.password_matches(user=user, password=PASSWORD, request=_request())
    assert not throttle.password_matches(
        user=user, password="wrong", request=_request()
    )
    assert throttle.password_matches(user=user, password=PASSWORD, request=_request())


def test_disable_two_step_password_guessing_is_throttled(client, user, sign_in):
    enable_two_step_unchecked(user)
    client.force_login(user)
    session = client.session
    session["security.second_step_passed"] = True
    session.save()

    for _ in range(throttle.MAX_FAILURES_PER_EMAIL_AND_IP):
        client.post("/settings/security/disable/", {"send": "1", "password": "x"})
    response = client.post(
        "/settings/security/disable/", {"send": "1", "password": PASSWORD}
    )

    errors = response.context["password_form"].errors.as_data()["password"]
    assert errors[0].code == "password_throttled"
    assert two_step_for(user).is_enabled


def test_sign_in_after_confirmation_guessing_is_throttled_too(client, user):
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL_AND_IP):
        throttle.password_matches(user=user, password="wrong", request=_request())

    response = client.post(
        "/sign-in/",
        {"username": user.email, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["__all__"][0].code == "throttled"


def test_reset_password_fourth_email_within_an_hour_is_not_sent(
    client, user, mailoutbox
):
    for _ in range(throttle.MAX_RESET_EMAILS + 1):
        response = client.post("/password-reset/", {"email": user.email})

    assert response.status_code == 302
    assert len(mailoutbox) == throttle.MAX_RESET_EMAILS


def test_sign_in_guessing_from_one_place_does_not_lock_out_another(client, user):
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL_AND_IP):
        client.post(
            "/sign-in/",
            {"username": user.email, "password": "wrong"},
            REMOTE_ADDR="198.51.100.1",
        )

    blocked = client.post(
        "/sign-in/",
        {"username": user.email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.1",
    )
    elsewhere = client.post(
        "/sign-in/",
        {"username": user.email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.2",
    )

    assert blocked.context["form"].errors.as_data()["__all__"][0].code == "throttled"
    assert elsewhere.status_code == 302


def test_retry_after_counts_down_from_the_first_failure(user):
    with freeze_time("2026-05-01 10:00:00") as clock:
        for _ in range(throttle.MAX_FAILURES_PER_EMAIL_AND_IP):
            throttle.record_failure(email=user.email, ip="198.51.100.1")
        clock.tick(300)

        wait = throttle.retry_after(email=user.email, ip="198.51.100.1")

    assert throttle.WINDOW_SECONDS - 300 <= wait <= throttle.WINDOW_SECONDS - 299
