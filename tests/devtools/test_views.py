from django.test import override_settings

from tests.factories import enable_two_step_unchecked

OUTBOX_MAILER = {"default": {"BACKEND": "devtools.mail.OutboxEmailBackend"}}


@override_settings(DEBUG=True, MAILERS=OUTBOX_MAILER)
def test_show_outbox_with_debug_lists_sent_mail(client, user, sign_in, capsys):
    enable_two_step_unchecked(user)
    sign_in(user)
    client.get("/sign-in/verify/")

    response = client.get("/dev/outbox/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Your kommo2fa sign-in code" in page
    assert user.email in page
    assert "Your kommo2fa sign-in code" in capsys.readouterr().out


@override_settings(DEBUG=False)
def test_show_outbox_without_debug_does_not_exist(client, user, sign_in):
    sign_in(user)

    response = client.get("/dev/outbox/")

    assert response.status_code == 404
