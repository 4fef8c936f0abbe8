from datetime import UTC, datetime, timedelta

from django.db import connection

import pytest
from freezegun import freeze_time

from security import email_codes
from security.errors import TwoStepError
from security.models import EmailCode, TwoStep
from tests.factories import last_emailed_code

# Rolled back, not flushed: see `commits_as_in_production`.
pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
WAIT = timedelta(seconds=60)
WINDOW = timedelta(minutes=15)
SIGN_IN = EmailCode.Purpose.SIGN_IN
ENABLE = EmailCode.Purpose.ENABLE


def _refused(**kwargs) -> TwoStepError:
    with pytest.raises(TwoStepError) as refused:
        email_codes.redeem_code(**kwargs)
    return refused.value


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _spend_code(user, purpose=SIGN_IN):
    """Send a code and waste all five of its tries."""
    email_codes.send_code(user=user, purpose=purpose)
    code = last_emailed_code()
    for _ in range(5):
        _refused(user=user, purpose=purpose, code=_wrong(code))


def test_send_code_emails_six_digits_and_stores_only_a_keyed_hash(user, mailoutbox):
    sent_to = email_codes.send_code(user=user, purpose=SIGN_IN)

    code = last_emailed_code(user.email)
    row = EmailCode.objects.get(user=user)
    assert len(code) == 6 and code.isdigit()
    assert sent_to.endswith("@example.com") and "•••" in sent_to
    assert code not in row.code_hash
    assert len(row.code_hash) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM security_emailcode")
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert code not in stored


def test_send_code_email_names_when_and_where_but_no_other_secret(
    make_request, user, mailoutbox
):
    email_codes.send_code(user=user, purpose=SIGN_IN, request=make_request(user))

    body = mailoutbox[-1].body
    assert "203.0.113.7" in body
    assert "Firefox on Linux" in body
    assert "If this was not you" in body


def test_send_code_same_code_twice_hashes_differently_per_purpose(user, mailoutbox):
    email_codes.send_code(user=user, purpose=SIGN_IN)
    email_codes.send_code(user=user, purpose=ENABLE)

    hashes = set(EmailCode.objects.values_list("code_hash", flat=True))

    assert len(hashes) == 2


def test_send_code_within_resend_wait_is_refused_with_seconds_left(user, mailoutbox):
    with freeze_time(T0) as clock:
        email_codes.send_code(user=user, purpose=SIGN_IN)

        clock.move_to(T0 + WAIT - SECOND)
        with pytest.raises(TwoStepError) as refused:
            email_codes.send_code(user=user, purpose=SIGN_IN)

    assert refused.value.code == "resend_wait"
    assert refused.value.params["seconds"] == 1
    assert len(mailoutbox) == 1


def test_send_code_after_resend_wait_replaces_the_previous_code(user, mailoutbox):
    with freeze_time(T0) as clock:
        email_codes.send_code(user=user, purpose=SIGN_IN)
        first = last_emailed_code()
        clock.move_to(T0 + WAIT + SECOND)
        email_codes.send_code(user=user, purpose=SIGN_IN)
        second = last_emailed_code()
        if second == first:
            pytest.skip("Two equal random codes; the replacement is not visible.")

        error = _refused(user=user, purpose=SIGN_IN, code=first)
        email_codes.redeem_code(user=user, purpose=SIGN_IN, code=second)

    assert error.code == "code_replaced"
    assert EmailCode.objects.get(status="used").attempts == 1
    assert list(
        EmailCode.objects.order_by("created_at").values_list("status", flat=True)
    ) == ["replaced", "used"]


def test_resend_available_in_counts_down_the_wait(user, mailoutbox):
    with freeze_time(T0) as clock:
        before = email_codes.resend_available_in(user=user, purpose=SIGN_IN)
        email_codes.send_code(user=user, purpose=SIGN_IN)
        clock.move_to(T0 + timedelta(seconds=45))
        during = email_codes.resend_available_in(user=user, purpose=SIGN_IN)
        clock.move_to(T0 + WAIT + SECOND)
        after = email_codes.resend_available_in(user=user, purpose=SIGN_IN)

    assert (before, during, after) == (0, 15, 0)


def test_send_code_sixth_within_fifteen_minutes_is_refused(user, mailoutbox):
    with freeze_time(T0) as clock:
        for n in range(5):
            clock.move_to(T0 + n * (WAIT + SECOND))
            email_codes.send_code(user=user, purpose=SIGN_IN)

        clock.move_to(T0 + 5 * (WAIT + SECOND))
        with pytest.raises(TwoStepError) as refused:
            email_codes.send_code(user=user, purpose=SIGN_IN)
        clock.move_to(T0 + WINDOW + SECOND)
        email_codes.send_code(user=user, purpose=SIGN_IN)

    assert refused.value.code == "too_many_codes"
    assert refused.value.params["minutes"] == 10
    assert len(mailoutbox) == 6


def test_send_code_limit_is_per_purpose(user, mailoutbox):
    with freeze_time(T0) as clock:
        for n in range(5):
            clock.move_to(T0 + n * (WAIT + SECOND))
            email_codes.send_code(user=user, purpose=SIGN_IN)

        email_codes.send_code(user=user, purpose=ENABLE)

    assert len(mailoutbox) == 6


def test_send_code_for_a_new_sign_in_does_not_wait_for_the_last(user, mailoutbox):
    with freeze_time(T0) as clock:
        email_codes.send_code(user=user, purpose=SIGN_IN, binding="first")
        first = last_emailed_code()
        clock.move_to(T0 + 5 * SECOND)

        email_codes.send_code(user=user, purpose=SIGN_IN, binding="second")
        second = last_emailed_code()
        waits = [
            email_codes.resend_available_in(user=user, purpose=SIGN_IN, binding=b)
            for b in ("first", "second", "third")
        ]

        assert waits == [55, 60, 0]
        email_codes.redeem_code(user=user, purpose=SIGN_IN, code=first, binding="first")
        email_codes.redeem_code(
            user=user, purpose=SIGN_IN, code=second, binding="second"
        )


def test_send_code_cap_counts_every_sign_in_together(user, mailoutbox):
    with freeze_time(T0):
        for n in range(5):
            email_codes.send_code(user=user, purpose=SIGN_IN, binding=f"sign-in-{n}")

        with pytest.raises(TwoStepError) as refused:
            email_codes.send_code(user=user, purpose=SIGN_IN, binding="sign-in-5")

    assert refused.value.code == "too_many_codes"
    assert len(mailoutbox) == 5


def test_redeem_code_without_any_code_is_refused_as_missing(user):
    error = _refused(user=user, purpose=SIGN_IN, code="123456")

    assert error.code == "code_missing"


def test_redeem_code_bound_to_another_sign_in_is_refused(user, mailoutbox):
    email_codes.send_code(user=user, purpose=SIGN_IN, binding="first-sign-in")
    code = last_emailed_code()

    error = _refused(user=user, purpose=SIGN_IN, code=code, binding="another")

    assert error.code == "code_missing"
    email_codes.redeem_code(
        user=user, purpose=SIGN_IN, code=code, binding="first-sign-in"
    )


def test_redeem_code_failures_count_across_resends_and_lock_at_ten(user, mailoutbox):
    with freeze_time(T0) as clock:
        _spend_code(user)
        clock.move_to(T0 + WAIT + SECOND)
        email_codes.send_code(user=user, purpose=SIGN_IN)
        code = last_emailed_code()
        for _ in range(4):
            _refused(user=user, purpose=SIGN_IN, code=_wrong(code))
        assert TwoStep.objects.get(user=user).locked_until is None

        tenth = _refused(user=user, purpose=SIGN_IN, code=_wrong(code))
        locked = _refused(user=user, purpose=SIGN_IN, code=code)

    state = TwoStep.objects.get(user=user)
    assert tenth.code == "locked"
    assert locked.code == "locked"
    assert locked.params["minutes"] == 15
    assert state.locked_until == T0 + WAIT + SECOND + timedelta(minutes=15)
    assert mailoutbox[-1].subject.startswith("Too many wrong codes")
    assert code not in mailoutbox[-1].body


def test_send_code_while_locked_is_refused(user, mailoutbox):
    TwoStep.objects.create(user=user, locked_until=T0 + timedelta(minutes=15))

    with freeze_time(T0 + timedelta(minutes=15) - SECOND):
        with pytest.raises(TwoStepError) as refused:
            email_codes.send_code(user=user, purpose=SIGN_IN)

    assert refused.value.code == "locked"
    assert refused.value.params["minutes"] == 1
    assert mailoutbox == []


def test_redeem_code_after_lock_ends_works_again(user, mailoutbox):
    with freeze_time(T0) as clock:
        _spend_code(user)
        clock.move_to(T0 + WAIT + SECOND)
        _spend_code(user)
        locked_until = TwoStep.objects.get(user=user).locked_until

        clock.move_to(locked_until + SECOND)
        email_codes.send_code(user=user, purpose=SIGN_IN)
        email_codes.redeem_code(user=user, purpose=SIGN_IN, code=last_emailed_code())

    assert TwoStep.objects.get(user=user).failed_attempts == 0


def test_redeem_code_success_resets_the_failures_in_a_row(user, mailoutbox):
    with freeze_time(T0) as clock:
        _spend_code(user)
        clock.move_to(T0 + WAIT + SECOND)
        email_codes.send_code(user=user, purpose=SIGN_IN)
        code = last_emailed_code()
        for _ in range(4):
            _refused(user=user, purpose=SIGN_IN, code=_wrong(code))

        email_codes.redeem_code(user=user, purpose=SIGN_IN, code=code)

    state = TwoStep.objects.get(user=user)
    assert state.failed_attempts == 0
    assert state.locked_until is None


def test_live_code_after_five_tries_is_none(user, mailoutbox):
    _spend_code(user)

    assert email_codes.live_code(user=user, purpose=SIGN_IN) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("123456", "123456"), ("123 456", "123456"), (" 12 34 56\n", "123456")],
)
def test_normalize_code_with_spaces_keeps_the_digits(typed, expected):
    assert email_codes.normalize_code(typed) == expected


@pytest.mark.parametrize("typed", ["12345", "1234567", "12345a", "abc def", "", None])
def test_normalize_code_letters_or_wrong_length_is_refused(typed):
    with pytest.raises(TwoStepError) as refused:
        email_codes.normalize_code(typed)

    assert refused.value.code == "code_format"


def test_normalize_code_other_script_digits_is_refused():
    with pytest.raises(TwoStepError) as refused:
        email_codes.normalize_code("١٢٣٤٥٦")

    assert refused.value.code == "code_format"


def test_send_code_drops_the_users_rows_older_than_a_day(user, mailoutbox):
    with freeze_time(T0) as clock:
        email_codes.send_code(user=user, purpose=SIGN_IN, binding="old")
        clock.move_to(T0 + timedelta(days=1, seconds=1))

        email_codes.send_code(user=user, purpose=ENABLE)

    assert list(EmailCode.objects.values_list("purpose", flat=True)) == [ENABLE]
