"""The contract every kind of code keeps: lifetime, single use, tries, purpose.

Each kind is driven through its own operation (signing in, turning 2FA on,
turning it off, signing in with a backup code), so a kind that skips a rule
fails here even if the shared code module keeps it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q

import pytest
from freezegun import freeze_time

from security import email_codes, enrollment, second_step
from security.errors import TwoStepError
from security.models import BackupCode, EmailCode, TwoStep
from tests.factories import PASSWORD, enable_two_step_unchecked, last_emailed_code

# Rolled back, not flushed: see `commits_as_in_production`.
pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LIFETIME = timedelta(minutes=10)
SECOND = timedelta(seconds=1)


@dataclass
class CodeKind:
    name: str
    emailed: bool
    set_up: Callable
    issue: Callable
    redeem: Callable
    reopen: Callable
    used_key: str
    # What a person does again when time passes, besides typing the code.
    refresh: Callable = lambda request: None


def _sign_in_set_up(request):
    enable_two_step_unchecked(request.user)
    second_step.begin_sign_in(request=request, user=request.user)
    request.pending_nonce = request.session[second_step.SIGN_IN_NONCE]


def _sign_in_reopen(request):
    # Replay in the same pending sign-in, as an attacker holding it would.
    request.session.pop(second_step.PASSED, None)
    request.session[second_step.SIGN_IN_NONCE] = request.pending_nonce


def _issue_emailed(send):
    def issue(request):
        send(request)
        return last_emailed_code(request.user.email)

    return issue


def _disable_set_up(request):
    enable_two_step_unchecked(request.user)
    enrollment.confirm_password(request=request, password=PASSWORD)


def _backup_set_up(request):
    request.backup_codes = enable_two_step_unchecked(request.user)
    second_step.begin_sign_in(request=request, user=request.user)


KINDS = [
    CodeKind(
        name="sign_in",
        emailed=True,
        set_up=_sign_in_set_up,
        issue=_issue_emailed(second_step.send_sign_in_code),
        redeem=lambda r, code: second_step.pass_with_email_code(request=r, code=code),
        reopen=_sign_in_reopen,
        used_key="code_used",
    ),
    CodeKind(
        name="enable",
        emailed=True,
        set_up=lambda request: None,
        issue=_issue_emailed(lambda r: enrollment.send_enable_code(request=r)),
        redeem=lambda r, code: enrollment.enable_two_step(request=r, code=code),
        reopen=lambda r: TwoStep.objects.filter(user=r.user).update(enabled_at=None),
        used_key="code_used",
    ),
    CodeKind(
        name="disable",
        emailed=True,
        set_up=_disable_set_up,
        issue=_issue_emailed(lambda r: enrollment.send_disable_code(request=r)),
        redeem=lambda r, code: enrollment.disable_two_step(request=r, code=code),
        reopen=_disable_set_up,
        used_key="code_used",
        refresh=lambda r: enrollment.confirm_password(request=r, password=PASSWORD),
    ),
    CodeKind(
        name="backup",
        emailed=False,
        set_up=_backup_set_up,
        issue=lambda request: request.backup_codes[0],
        redeem=lambda r, code: second_step.pass_with_backup_code(request=r, code=code),
        reopen=lambda r: r.session.pop(second_step.PASSED, None),
        used_key="backup_code_wrong",
    ),
]
EMAILED = [kind for kind in KINDS if kind.emailed]


def _refusal(kind, request, code) -> TwoStepError:
    with pytest.raises(TwoStepError) as refused:
        kind.redeem(request, code)
    return refused.value


def _other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.fixture(params=KINDS, ids=lambda kind: kind.name)
def kind(request):
    return request.param


@pytest.fixture(params=EMAILED, ids=lambda kind: kind.name)
def emailed_kind(request):
    return request.param


@pytest.fixture
def code_request(make_request, user, mailoutbox):
    return make_request(user)


def test_code_one_second_before_end_of_lifetime_is_accepted(emailed_kind, code_request):
    with freeze_time(T0) as clock:
        emailed_kind.set_up(code_request)
        code = emailed_kind.issue(code_request)

        clock.move_to(T0 + LIFETIME - SECOND)
        emailed_kind.refresh(code_request)
        emailed_kind.redeem(code_request, code)

    assert EmailCode.objects.get(purpose=emailed_kind.name).status == "used"


def test_code_one_second_past_lifetime_is_refused_as_expired(
    emailed_kind, code_request
):
    with freeze_time(T0) as clock:
        emailed_kind.set_up(code_request)
        code = emailed_kind.issue(code_request)

        clock.move_to(T0 + LIFETIME + SECOND)
        emailed_kind.refresh(code_request)
        error = _refusal(emailed_kind, code_request, code)

    assert error.code == "code_expired"


def test_code_used_once_is_refused_the_second_time(kind, code_request):
    kind.set_up(code_request)
    code = kind.issue(code_request)
    kind.redeem(code_request, code)
    kind.reopen(code_request)

    error = _refusal(kind, code_request, code)

    assert error.code == kind.used_key


def test_code_after_five_wrong_tries_is_spent(emailed_kind, code_request):
    emailed_kind.set_up(code_request)
    code = emailed_kind.issue(code_request)

    wrong = [_refusal(emailed_kind, code_request, _other_code(code)) for _ in range(5)]
    right = _refusal(emailed_kind, code_request, code)

    assert [error.code for error in wrong] == ["code_wrong"] * 4 + ["code_spent"]
    assert [error.params["attempts_left"] for error in wrong[:4]] == [4, 3, 2, 1]
    assert "4 more tries" in wrong[0].message
    assert "1 more try " in wrong[3].message
    assert right.code == "code_spent"
    assert EmailCode.objects.get(purpose=emailed_kind.name).attempts == 5


def test_code_with_spaces_is_accepted(emailed_kind, code_request):
    emailed_kind.set_up(code_request)
    code = emailed_kind.issue(code_request)

    emailed_kind.redeem(code_request, f" {code[:3]} {code[3:]} ")

    assert EmailCode.objects.get(purpose=emailed_kind.name).status == "used"


def test_code_in_wrong_format_is_refused_without_a_try(emailed_kind, code_request):
    emailed_kind.set_up(code_request)
    emailed_kind.issue(code_request)

    keys = [
        _refusal(emailed_kind, code_request, typed).code
        for typed in ["12345", "1234567", "12a456", "abcdef", ""]
    ]

    assert keys == ["code_format"] * 5
    assert EmailCode.objects.get(purpose=emailed_kind.name).attempts == 0


def test_backup_code_typed_as_email_code_is_refused(emailed_kind, code_request):
    emailed_kind.set_up(code_request)
    emailed_kind.issue(code_request)
    backup_code = enable_two_step_unchecked(code_request.user)[0]
    if emailed_kind.name == "enable":
        TwoStep.objects.filter(user=code_request.user).update(enabled_at=None)

    error = _refusal(emailed_kind, code_request, backup_code)

    assert error.code == "code_format"


def test_email_code_typed_as_backup_code_is_refused(code_request):
    backup = KINDS[-1]
    backup.set_up(code_request)
    second_step.send_sign_in_code(code_request)

    error = _refusal(backup, code_request, last_emailed_code())

    assert error.code == "backup_code_format"
    assert not BackupCode.objects.filter(~Q(used_at=None)).exists()


@pytest.mark.parametrize("purpose", EmailCode.Purpose.values)
def test_code_of_one_purpose_is_refused_for_every_other(user, mailoutbox, purpose):
    others = [other for other in EmailCode.Purpose.values if other != purpose]
    for other in others:
        email_codes.send_code(user=user, purpose=other)
    email_codes.send_code(user=user, purpose=purpose)
    code = last_emailed_code()

    refusals = []
    for other in others:
        with pytest.raises(TwoStepError) as refused:
            email_codes.redeem_code(user=user, purpose=other, code=code)
        refusals.append(refused.value.code)
    email_codes.redeem_code(user=user, purpose=purpose, code=code)

    assert refusals == ["code_wrong"] * len(others)
    assert EmailCode.objects.get(purpose=purpose).status == "used"
