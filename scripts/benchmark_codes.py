"""Print how long checking codes takes, to keep it well under 50 ms.

Run from the project root: `.venv/bin/python scripts/benchmark_codes.py`.
It measures the hash alone, without a database: checking a wrong backup
code compares it against all ten stored hashes, the slowest case.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kommo2fa.settings")

import django

django.setup()

from security import backup_codes, email_codes  # noqa: E402

ROUNDS = 50


def _best_of(rounds, work) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main():
    stored = [backup_codes._hash(f"{n:016d}") for n in range(10)]
    wrong = "ZZZZZZZZZZZZZZZZ"

    def check_all_ten():
        return [backup_codes._matches(wrong, value) for value in stored]

    class Someone:
        pk = 1

    def hash_email_code():
        return email_codes._hash(
            user=Someone, purpose="sign_in", binding="x" * 32, code="123456"
        )

    print(f"PBKDF2 iterations per backup code: {backup_codes._ITERATIONS}")
    print(f"All ten backup codes checked: {_best_of(ROUNDS, check_all_ten):.2f} ms")
    print(f"One email code hashed: {_best_of(ROUNDS, hash_email_code):.3f} ms")


if __name__ == "__main__":
    main()
