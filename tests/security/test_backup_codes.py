import math
import re

from django.db import connection

import pytest

from security import backup_codes
from security.errors import TwoStepError
from security.models import BackupCode, TwoStep
from tests.factories import enable_two_step_unchecked

# Rolled back, not flushed: see `commits_as_in_production`.
pytestmark = pytest.mark.django_db

GROUPED = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def _stored_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM security_backupcode")
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


def test_replace_codes_makes_ten_distinct_codes_in_groups(user):
    codes = backup_codes.replace_codes(user=user)

    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(GROUPED.match(code) for code in codes)
    assert BackupCode.objects.filter(user=user, used_at=None).count() == 10


def test_replace_codes_each_carries_at_least_64_bits():
    bits = backup_codes.LENGTH * math.log2(len(set(backup_codes.ALPHABET)))

    assert bits >= 64


def test_replace_codes_stores_only_salted_hashes(user):
    codes = backup_codes.replace_codes(user=user)

    stored = _stored_text()
    hashes = list(BackupCode.objects.values_list("code_hash", flat=True))
    salts = {value.split("$")[2] for value in hashes}
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored
        assert code.replace("-", "").lower() not in stored
    assert all(value.startswith("pbkdf2_sha256$") for value in hashes)
    assert len(salts) == 10


def test_replace_codes_hash_is_cheap_enough_for_ten_checks():
    # 80 random bits need no stretching; a low count keeps ten checks far
    # under 50 ms (scripts/benchmark_codes.py prints the figures).
    assert 100 <= backup_codes._ITERATIONS <= 10_000


def test_replace_codes_voids_the_previous_set(user):
    old = backup_codes.replace_codes(user=user)

    backup_codes.replace_codes(user=user)

    with pytest.raises(TwoStepError) as refused:
        backup_codes.redeem_backup_code(user=user, code=old[0])
    assert refused.value.code == "backup_code_wrong"
    assert BackupCode.objects.filter(user=user).count() == 10


@pytest.mark.parametrize(
    "typing",
    [
        lambda code: code,
        lambda code: code.lower(),
        lambda code: code.replace("-", ""),
        lambda code: code.replace("-", " "),
        lambda code: f"  {code.replace('-', ' - ').lower()} ",
        lambda code: code.replace("-", "\u2013"),
    ],
    ids=["as-shown", "lower-case", "no-dashes", "spaces", "mixed", "en-dash"],
)
def test_redeem_backup_code_ignores_case_spaces_and_dashes(user, mailoutbox, typing):
    codes = enable_two_step_unchecked(user)

    left = backup_codes.redeem_backup_code(user=user, code=typing(codes[3]))

    assert left == 9
    assert BackupCode.objects.filter(user=user, used_at=None).count() == 9


def test_redeem_backup_code_twice_is_refused(user, mailoutbox):
    codes = enable_two_step_unchecked(user)
    backup_codes.redeem_backup_code(user=user, code=codes[0])

    with pytest.raises(TwoStepError) as refused:
        backup_codes.redeem_backup_code(user=user, code=codes[0])

    assert refused.value.code == "backup_code_wrong"
    assert backup_codes.codes_left(user=user) == 9


def test_redeem_backup_code_wrong_counts_a_failure(user):
    enable_two_step_unchecked(user)

    with pytest.raises(TwoStepError) as refused:
        backup_codes.redeem_backup_code(user=user, code="ABCD-EFGH-JKMN-PQRS")

    assert refused.value.code == "backup_code_wrong"
    assert TwoStep.objects.get(user=user).failed_attempts == 1


def test_redeem_backup_code_ten_wrong_locks_even_the_right_one(user, mailoutbox):
    codes = enable_two_step_unchecked(user)
    for _ in range(10):
        with pytest.raises(TwoStepError):
            backup_codes.redeem_backup_code(user=user, code="ABCD-EFGH-JKMN-PQRS")

    with pytest.raises(TwoStepError) as refused:
        backup_codes.redeem_backup_code(user=user, code=codes[0])

    assert refused.value.code == "locked"
    assert backup_codes.codes_left(user=user) == 10
    assert mailoutbox[-1].subject.startswith("Too many wrong codes")


@pytest.mark.parametrize(
    "typed", ["ABCD-EFGH-JKMN", "ABCD-EFGH-JKMN-PQRS-TVWX", "ABCD-EFGH-JKMN-PQR!", ""]
)
def test_redeem_backup_code_in_wrong_format_is_refused_without_a_failure(user, typed):
    enable_two_step_unchecked(user)

    with pytest.raises(TwoStepError) as refused:
        backup_codes.redeem_backup_code(user=user, code=typed)

    assert refused.value.code == "backup_code_format"
    assert TwoStep.objects.get(user=user).failed_attempts == 0


def test_redeem_backup_code_emails_how_many_remain_and_no_code(user, mailoutbox):
    codes = enable_two_step_unchecked(user)

    backup_codes.redeem_backup_code(user=user, code=codes[0])

    message = mailoutbox[-1]
    assert message.subject == "A backup code was used to sign in"
    assert "9 backup codes left" in message.body
    assert not any(code in message.body for code in codes)


def test_void_codes_makes_every_code_useless(user):
    codes = enable_two_step_unchecked(user)

    backup_codes.void_codes(user=user)

    with pytest.raises(TwoStepError) as refused:
        backup_codes.redeem_backup_code(user=user, code=codes[0])
    assert refused.value.code == "backup_code_wrong"
    assert backup_codes.codes_left(user=user) == 0


def test_codes_left_counts_only_unused(user, mailoutbox):
    codes = enable_two_step_unchecked(user)
    backup_codes.redeem_backup_code(user=user, code=codes[0])
    backup_codes.redeem_backup_code(user=user, code=codes[1])

    assert backup_codes.codes_left(user=user) == 8
