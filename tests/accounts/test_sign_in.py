from tests.factories import enable_two_step_unchecked


def test_sign_in_without_two_step_goes_home(client, user, sign_in):
    response = sign_in(user)

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_sign_in_with_two_step_is_held_at_second_step(
    client, user, sign_in, mailoutbox
):
    enable_two_step_unchecked(user)

    sign_in(user)
    response = client.get("/settings/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/verify/")
