import threading
from datetime import UTC, datetime, timedelta

from django.core.management import call_command
from django.db import connection

import pytest
from freezegun import freeze_time

from tests.factories import (
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
    enable_two_step_unchecked,
)
from workspace.models import TwoStepReminder
from workspace.reminders import reminder_due, send_two_step_reminders

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


@pytest.fixture
def policy_workspace(transactional_db):
    """A 7-day policy from T0: deadline T0 + 7 days for early members."""
    return WorkspaceFactory(
        name="Kiri",
        time_zone="Pacific/Kiritimati",
        two_step_required_since=T0,
        compliance_period_days=7,
    )


@pytest.fixture
def late(policy_workspace):
    user = UserFactory(email="late@example.com")
    MembershipFactory(workspace=policy_workspace, user=user, joined_at=T0 - DAY)
    return user


def _reminders(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith("Reminder")]


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (4 * DAY, None),
        (3 * DAY + SECOND, None),
        (3 * DAY, 3),
        (DAY + SECOND, 3),
        (DAY, 1),
        (SECOND, 1),
        (timedelta(0), None),
        (-SECOND, None),
    ],
)
def test_reminder_due_at_exact_boundaries(left, expected):
    assert reminder_due(deadline=T0 + left, now=T0) == expected


def test_send_reminders_three_days_before_sends_one(late, mailoutbox):
    deadline = T0 + 7 * DAY

    sent = send_two_step_reminders(now=deadline - 3 * DAY)

    assert sent == 1
    [reminder] = _reminders(mailoutbox)
    assert reminder.to == ["late@example.com"]
    assert "9 March 2026, 23:00 (Pacific/Kiritimati)" in reminder.body
    assert TwoStepReminder.objects.get().days_before == 3


def test_send_reminders_one_second_early_sends_none(late, mailoutbox):
    sent = send_two_step_reminders(now=T0 + 4 * DAY - SECOND)

    assert sent == 0
    assert _reminders(mailoutbox) == []


def test_send_reminders_run_twice_sends_each_once(late, mailoutbox):
    send_two_step_reminders(now=T0 + 4 * DAY)
    send_two_step_reminders(now=T0 + 4 * DAY + timedelta(hours=1))
    send_two_step_reminders(now=T0 + 6 * DAY)
    send_two_step_reminders(now=T0 + 6 * DAY + timedelta(hours=12))

    assert [m.subject for m in _reminders(mailoutbox)] == [
        "Reminder: turn on two-step verification by 9 March",
    ] * 2
    assert sorted(TwoStepReminder.objects.values_list("days_before", flat=True)) == [
        1,
        3,
    ]


def test_send_reminders_after_deadline_or_with_two_step_sends_none(
    late, policy_workspace, mailoutbox
):
    ready = UserFactory()
    enable_two_step_unchecked(ready)
    MembershipFactory(workspace=policy_workspace, user=ready, joined_at=T0)

    after = send_two_step_reminders(now=T0 + 7 * DAY)
    ready_run = send_two_step_reminders(now=T0 + 5 * DAY)

    assert after == 0
    assert ready_run == 1  # only the member without two-step verification
    assert [m.to for m in _reminders(mailoutbox)] == [["late@example.com"]]


def test_send_reminders_several_workspaces_follow_earliest(late, mailoutbox):
    strict = WorkspaceFactory(
        name="Strict",
        time_zone="UTC",
        two_step_required_since=T0,
        compliance_period_days=2,
    )
    MembershipFactory(workspace=strict, user=late, joined_at=T0)

    send_two_step_reminders(now=T0 + DAY)

    [reminder] = _reminders(mailoutbox)
    assert "Strict" in reminder.body
    assert TwoStepReminder.objects.get().deadline == T0 + 2 * DAY


def test_send_reminders_policy_toggled_reminds_again_for_new_period(
    late, policy_workspace, mailoutbox
):
    send_two_step_reminders(now=T0 + 6 * DAY)
    policy_workspace.two_step_required_since = T0 + 10 * DAY
    policy_workspace.save()

    sent = send_two_step_reminders(now=T0 + 16 * DAY)

    assert sent == 1
    assert len(_reminders(mailoutbox)) == 2


def test_send_reminders_claimed_elsewhere_is_not_sent_again(late, mailoutbox):
    TwoStepReminder.objects.create(
        user=late,
        workspace_id=late.memberships.get().workspace_id,
        deadline=T0 + 7 * DAY,
        days_before=3,
    )

    sent = send_two_step_reminders(now=T0 + 5 * DAY)

    assert sent == 0
    assert _reminders(mailoutbox) == []


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers itself"
)
def test_send_reminders_concurrent_runs_send_once(late, mailoutbox):
    results = []

    def run():
        try:
            results.append(send_two_step_reminders(now=T0 + 5 * DAY))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [0, 0, 0, 1]
    assert TwoStepReminder.objects.count() == 1


def test_send_two_step_reminders_command_reports_count(late, capsys, mailoutbox):
    with freeze_time(T0 + 5 * DAY):
        call_command("send_two_step_reminders")
        call_command("send_two_step_reminders")

    assert capsys.readouterr().out.splitlines() == [
        "Sent 1 reminder.",
        "Sent 0 reminders.",
    ]
