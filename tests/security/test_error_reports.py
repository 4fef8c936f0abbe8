import sys

from django.test import RequestFactory
from django.views.debug import ExceptionReporter

import pytest

from security import email_codes
from security.models import EmailCode
from tests.factories import last_emailed_code

pytestmark = pytest.mark.django_db


def test_error_report_of_a_crash_while_using_a_code_hides_the_code(
    user, mailoutbox, monkeypatch
):
    email_codes.send_code(user=user, purpose=EmailCode.Purpose.SIGN_IN)
    code = last_emailed_code()

    def crash(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(email_codes, "record_success", crash)
    request = RequestFactory().post("/sign-in/verify/", {"code": code})
    with pytest.raises(RuntimeError):
        try:
            email_codes.redeem_code(
                user=user, purpose=EmailCode.Purpose.SIGN_IN, code=code
            )
        except RuntimeError:
            reporter = ExceptionReporter(request, *sys.exc_info())
            frames = reporter.get_traceback_frames()
            raise

    (frame,) = [f for f in frames if f["function"] == "redeem_code"]
    shown = " ".join(f"{name}={value}" for name, value in frame["vars"])
    assert "code=" in shown
    assert code not in shown
