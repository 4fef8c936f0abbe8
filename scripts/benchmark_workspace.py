"""Print queries and time for the workspace pages at 100 to 100,000 members.

Run from the project root: `.venv/bin/python scripts/benchmark_workspace.py`
(optionally with sizes, e.g. `... 100 10000`). It uses its own database:
a fresh SQLite file in the temporary directory unless DATABASE_URL names
another one, whose tables it empties. Never point it at real data.

For each size it measures, each as one request through the whole stack:
- Users management, first page, and filtered by a status with a search;
- the CSV export of every member, read to the end;
- turning the mandatory policy on (confirming the emailed code), with the
  notices queued; and then, apart, writing those notices, which runs in the
  task worker in production;
- one page load by a member under the policy, who sees the notice.
"""

import logging
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kommo2fa.settings")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'k2fa_bench.sqlite3'}"
)

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from security import second_step  # noqa: E402
from security.models import TwoStep  # noqa: E402
from tests.factories import last_emailed_code  # noqa: E402
from workspace.models import Membership, Workspace  # noqa: E402
from workspace.tasks import notify_policy_enabled  # noqa: E402

SIZES = [100, 10_000, 100_000]
BATCH = 5_000
QUEUE_ONLY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _reset_database():
    if connection.vendor == "sqlite":
        connection.close()
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def _populate(size):
    """A workspace of `size` members: a third with 2FA, joined over 30 days."""
    now = timezone.now()
    # One hash for everyone: hashing 100,000 passwords would measure Argon2.
    password = make_password("benchmark passphrase")
    workspace = Workspace.objects.create(name=f"Bench {size:,}", time_zone="Asia/Tokyo")
    admin = User.objects.create(email="admin@bench.test", password=password)
    TwoStep.objects.create(user=admin, enabled_at=now)
    Membership.objects.create(
        workspace=workspace, user=admin, role=Membership.Role.ADMIN
    )
    for start in range(0, size, BATCH):
        stop = min(size, start + BATCH)
        users = User.objects.bulk_create(
            User(
                email=f"member{n}@bench.test",
                name=f"Member {n}",
                password=password,
            )
            for n in range(start, stop)
        )
        Membership.objects.bulk_create(
            Membership(
                workspace=workspace,
                user=user,
                joined_at=now - timedelta(minutes=(n * 7) % (30 * 24 * 60)),
            )
            for n, user in zip(range(start, stop), users, strict=True)
        )
        TwoStep.objects.bulk_create(
            TwoStep(user=user, enabled_at=now - timedelta(days=1))
            for n, user in zip(range(start, stop), users, strict=True)
            if n % 3 == 0
        )
    return workspace, admin


def _client_of(user):
    client = Client()
    client.force_login(user, backend="accounts.backends.EmailBackend")
    if second_step.two_step_enabled(user):
        session = client.session
        session[second_step.PASSED] = True
        session.save()
    return client


def _measure(work):
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = work()
        if getattr(response, "streaming", False):
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(getattr(response, "content", b""))
        elapsed = time.perf_counter() - start
    status = getattr(response, "status_code", response)
    return len(captured), elapsed * 1000, status, size


def run(size):
    _reset_database()
    start = time.perf_counter()
    workspace, admin = _populate(size)
    print(f"\n{size:,} members (made in {time.perf_counter() - start:.1f} s)")
    client = _client_of(admin)
    members = f"/workspaces/{workspace.pk}/members/"
    client.get(members)  # saves the current workspace in the session
    results = [
        ("Users management", _measure(lambda: client.get(members))),
        (
            "Users management, filtered",
            _measure(lambda: client.get(members + "?status=not_enabled&q=member1")),
        ),
        ("CSV export", _measure(lambda: client.get(members + "export/"))),
    ]

    on = f"/workspaces/{workspace.pk}/settings/policy/on/"
    client.post(on, {"send": "1", "period": "7"})
    code = last_emailed_code()
    with override_settings(TASKS=QUEUE_ONLY):
        results.append(
            (
                "Turning the policy on",
                _measure(lambda: client.post(on, {"period": "7", "code": code})),
            )
        )
    workspace.refresh_from_db()
    since = workspace.two_step_required_since.isoformat()
    # Each notice is rendered, sealed and queued; the mail worker sends it.
    with override_settings(TASKS=QUEUE_ONLY):
        results.append(
            (
                "  then its notices (worker)",
                _measure(
                    lambda: notify_policy_enabled.call(
                        workspace_id=workspace.pk, required_since=since
                    )
                ),
            )
        )

    member = User.objects.filter(two_step__isnull=True).exclude(pk=admin.pk).first()
    member_client = _client_of(member)
    member_client.get("/")
    results.append(
        ("Page load, member under policy", _measure(lambda: member_client.get("/")))
    )

    for label, (queries, ms, status, size_bytes) in results:
        outcome = (
            f"HTTP {status}, {size_bytes:,} bytes"
            if label[0] != " "
            else f"{status:,} notices queued"
        )
        print(f"  {label:<32} {queries:>3} queries {ms:>10.1f} ms  ({outcome})")


def main():
    # Console logs of every queued email would be most of what is measured.
    logging.disable(logging.INFO)
    setup_test_environment()
    sizes = [int(arg) for arg in sys.argv[1:]] or SIZES
    print(f"Database: {connection.vendor}")
    for size in sizes:
        run(size)


if __name__ == "__main__":
    main()
