from django.contrib import admin
from django.urls import reverse

import pytest

from security import email_codes
from security.models import BackupCode, EmailCode
from tests.factories import (
    PASSWORD,
    UserFactory,
    enable_two_step_unchecked,
    last_emailed_code,
)

# Rolled back, not flushed: see `commits_as_in_production`.
pytestmark = pytest.mark.django_db


def test_admin_pages_show_no_code_and_no_code_hash(client, user, mailoutbox):
    staff = UserFactory(is_staff=True, is_superuser=True)
    enable_two_step_unchecked(staff)
    client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    client.get("/sign-in/verify/")
    client.post("/sign-in/verify/", {"code": last_emailed_code(staff.email)})
    secrets = enable_two_step_unchecked(user)
    email_codes.send_code(user=user, purpose=EmailCode.Purpose.DISABLE)
    secrets.append(last_emailed_code(user.email))
    secrets += list(EmailCode.objects.values_list("code_hash", flat=True))
    secrets += list(BackupCode.objects.values_list("code_hash", flat=True))

    pages = {}
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        pages[changelist] = client.get(changelist)
        for pk in model._default_manager.values_list("pk", flat=True)[:5]:
            change = reverse("admin:{}_{}_change".format(*info), args=[pk])
            pages[change] = client.get(change)

    assert pages["/admin/accounts/user/"].status_code == 200
    assert EmailCode not in admin.site._registry
    assert BackupCode not in admin.site._registry
    for url, response in pages.items():
        assert response.status_code == 200, url
        content = response.content.decode()
        for secret in secrets:
            assert secret not in content, url
            assert secret.replace("-", "") not in content, url


def test_admin_add_forms_never_answer_a_server_error(client, mailoutbox):
    staff = UserFactory(is_staff=True, is_superuser=True)
    enable_two_step_unchecked(staff)
    client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    client.get("/sign-in/verify/")
    client.post("/sign-in/verify/", {"code": last_emailed_code(staff.email)})

    answers = {}
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        add = reverse("admin:{}_{}_add".format(*info))
        answers[add] = client.post(add, {}).status_code

    assert all(status < 500 for status in answers.values()), answers
    assert answers["/admin/security/twostep/add/"] == 403
    assert answers["/admin/security/usersession/add/"] == 403
