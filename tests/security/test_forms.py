import pytest

from security.errors import render
from security.forms import CodeForm


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", render("code_required")),
        ("1" * 100_000, render("code_format")),
        ("12345a", render("code_format")),
    ],
)
def test_code_form_bad_input_says_what_to_do(typed, message):
    form = CodeForm({"code": typed})

    assert not form.is_valid()
    assert form.errors["code"] == [message]


@pytest.mark.parametrize(
    ("seconds", "wording"), [(1, "wait 1 second before"), (2, "wait 2 seconds before")]
)
def test_render_resend_wait_says_second_or_seconds(seconds, wording):
    assert wording in render("resend_wait", seconds=seconds)
