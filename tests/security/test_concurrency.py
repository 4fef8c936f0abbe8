"""Concurrent uses of codes, on a database that really runs them at once.

SQLite serialises every write, so races cannot happen there; these tests
need PostgreSQL (or another server database) to mean anything.
"""

import threading
from collections import Counter

from django.db import connection

import pytest

from security import backup_codes, email_codes, enrollment
from security.errors import TwoStepError
from security.models import BackupCode, EmailCode, TwoStep
from tests.factories import enable_two_step_unchecked, last_emailed_code

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite runs one write at a time, so it cannot show a race; "
        "run with DATABASE_URL pointing at PostgreSQL.",
    ),
]

SIGN_IN = EmailCode.Purpose.SIGN_IN


def _race(work, *, times):
    """Run `work(n)` in `times` threads released together; collect outcomes."""
    barrier = threading.Barrier(times)
    outcomes = []

    def run(n):
        try:
            barrier.wait()
            outcomes.append(("ok", work(n)))
        except TwoStepError as error:
            outcomes.append(("refused", error.code))
        except Exception as error:  # a crash is an outcome the test reports
            outcomes.append(("crashed", repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == times, "a thread did not finish"
    return outcomes


def _kinds(outcomes) -> Counter:
    return Counter(kind for kind, _ in outcomes)


def test_backup_code_used_twice_at_once_lets_exactly_one_through(user, mailoutbox):
    code = enable_two_step_unchecked(user)[0]

    outcomes = _race(
        lambda n: backup_codes.redeem_backup_code(user=user, code=code), times=4
    )

    assert _kinds(outcomes) == {"ok": 1, "refused": 3}, outcomes
    assert BackupCode.objects.filter(user=user, used_at__isnull=False).count() == 1


def test_email_code_used_twice_at_once_lets_exactly_one_through(user, mailoutbox):
    email_codes.send_code(user=user, purpose=SIGN_IN)
    code = last_emailed_code()

    outcomes = _race(
        lambda n: email_codes.redeem_code(user=user, purpose=SIGN_IN, code=code),
        times=4,
    )

    assert _kinds(outcomes) == {"ok": 1, "refused": 3}, outcomes
    assert {reason for kind, reason in outcomes if kind == "refused"} == {"code_used"}


def test_email_code_many_wrong_guesses_at_once_never_pass_five_tries(user, mailoutbox):
    email_codes.send_code(user=user, purpose=SIGN_IN)
    code = last_emailed_code()
    guesses = [f"{(int(code) + n) % 10**6:06d}" for n in range(1, 13)]

    outcomes = _race(
        lambda n: email_codes.redeem_code(user=user, purpose=SIGN_IN, code=guesses[n]),
        times=len(guesses),
    )

    row = EmailCode.objects.get(user=user)
    assert _kinds(outcomes) == {"refused": len(guesses)}, outcomes
    assert row.attempts == 5
    assert TwoStep.objects.get(user=user).failed_attempts == 5
    with pytest.raises(TwoStepError) as refused:
        email_codes.redeem_code(user=user, purpose=SIGN_IN, code=code)
    assert refused.value.code == "code_spent"


def test_send_code_at_once_sends_one_code(user, mailoutbox):
    outcomes = _race(
        lambda n: email_codes.send_code(user=user, purpose=SIGN_IN), times=4
    )

    assert _kinds(outcomes) == {"ok": 1, "refused": 3}, outcomes
    assert EmailCode.objects.filter(user=user).count() == 1


def test_enable_confirmed_twice_at_once_makes_one_set_of_backup_codes(
    make_request, user, mailoutbox
):
    requests = [make_request(user), make_request(user)]
    enrollment.send_enable_code(request=requests[0])
    code = last_emailed_code()

    outcomes = _race(
        lambda n: enrollment.enable_two_step(request=requests[n], code=code), times=2
    )

    assert _kinds(outcomes) == {"ok": 1, "refused": 1}, outcomes
    shown = next(codes for kind, codes in outcomes if kind == "ok")
    assert BackupCode.objects.filter(user=user).count() == 10
    assert backup_codes.redeem_backup_code(user=user, code=shown[0]) == 9
