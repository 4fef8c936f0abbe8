import re
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from security.models import EmailCode, SecurityEvent
from tests.factories import (
    MembershipFactory,
    UserFactory,
    enable_two_step_unchecked,
    last_emailed_code,
)
from tests.workspace.conftest import signed_in
from workspace.compliance import deadline_of, setup_overdue
from workspace.errors import WorkspaceError
from workspace.models import Membership, Workspace
from workspace.policy import parse_compliance_period

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


def _urls(workspace):
    base = f"/workspaces/{workspace.pk}/settings/"
    return base, base + "policy/on/", base + "policy/off/"


def _turn_on(client, workspace, *, period="3"):
    _, on, _ = _urls(workspace)
    client.post(on, {"send": "1", "period": period})
    return client.post(on, {"period": period, "code": last_emailed_code()})


def _turn_off(client, workspace):
    _, _, off = _urls(workspace)
    client.post(off, {"send": "1"})
    return client.post(off, {"code": last_emailed_code()})


def _error_code(response, field):
    form = next(
        response.context[name]
        for name in ("send_form", "enable_form", "disable_form")
        if response.context[name].errors
    )
    return form.errors.as_data()[field][0].code


@pytest.mark.parametrize("raw", ["1", "10", " 7 "])
def test_parse_compliance_period_whole_days_in_range_is_accepted(raw):
    assert parse_compliance_period(raw) == int(raw)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("0", "period_out_of_range"),
        ("11", "period_out_of_range"),
        ("2.5", "period_not_whole"),
        ("three", "period_not_whole"),
        ("-1", "period_not_whole"),
        ("٣", "period_not_whole"),
        ("", "period_missing"),
        (None, "period_missing"),
    ],
)
def test_parse_compliance_period_bad_input_is_refused(raw, code):
    with pytest.raises(WorkspaceError) as refusal:
        parse_compliance_period(raw)

    assert refusal.value.code == code


@pytest.mark.parametrize(
    ("period", "code"),
    [
        ("0", "period_out_of_range"),
        ("11", "period_out_of_range"),
        ("2.5", "period_not_whole"),
        ("text", "period_not_whole"),
        ("", "period_missing"),
    ],
)
def test_send_policy_code_bad_period_shows_error_and_sends_nothing(
    admin_client, workspace, mailoutbox, period, code
):
    _, on, _ = _urls(workspace)

    response = admin_client.post(on, {"send": "1", "period": period})

    assert response.status_code == 400
    assert _error_code(response, "period") == code
    assert mailoutbox == []
    assert not EmailCode.objects.exists()


def test_send_policy_code_missing_period_field_is_refused(
    admin_client, workspace, mailoutbox
):
    _, on, _ = _urls(workspace)

    response = admin_client.post(on, {"send": "1"})

    assert _error_code(response, "period") == "period_missing"
    assert mailoutbox == []


@pytest.mark.parametrize("period", ["0", "11", "2.5", "text", ""])
def test_enable_policy_bad_period_with_good_code_changes_nothing(
    admin_client, workspace, mailoutbox, period
):
    _, on, _ = _urls(workspace)
    admin_client.post(on, {"send": "1", "period": "3"})

    response = admin_client.post(on, {"period": period, "code": last_emailed_code()})

    assert response.status_code == 400
    workspace.refresh_from_db()
    assert workspace.two_step_required_since is None
    assert not SecurityEvent.objects.filter(kind="policy_enabled").exists()


def test_enable_policy_send_then_confirm_turns_it_on(
    admin_client, admin, workspace, mailoutbox
):
    with freeze_time(T0):
        response = _turn_on(admin_client, workspace, period="4")

    workspace.refresh_from_db()
    assert response.status_code == 302
    assert workspace.two_step_required_since == T0
    assert workspace.compliance_period_days == 4
    code_mail = mailoutbox[0]
    assert code_mail.to == [admin.email]
    assert "Acme" in code_mail.body
    event = SecurityEvent.objects.get(kind="policy_enabled")
    assert (event.actor, event.workspace) == (admin, workspace)
    assert event.details == {"compliance_period_days": 4}


def test_enable_policy_emails_each_member_without_two_step_their_deadline(
    admin_client, workspace, mailoutbox
):
    early = UserFactory(email="early@example.com")
    ready = UserFactory(email="ready@example.com")
    enable_two_step_unchecked(ready)
    MembershipFactory(workspace=workspace, user=early, joined_at=T0 - DAY)
    MembershipFactory(workspace=workspace, user=ready, joined_at=T0 - DAY)

    with freeze_time(T0):
        _turn_on(admin_client, workspace, period="3")

    notices = [m for m in mailoutbox if "now requires" in m.subject]
    assert [m.to for m in notices] == [["early@example.com"]]
    # 3 days after 09:00 UTC on 2 March, in Kiritimati (UTC+14).
    assert "5 March 2026, 23:00 (Pacific/Kiritimati)" in notices[0].body
    assert "http://testserver/settings/security/" in notices[0].body


def test_enable_policy_code_made_for_turning_off_does_not_work(
    admin, workspace, mailoutbox
):
    other = Workspace.objects.create(
        name="Other", two_step_required_since=T0, compliance_period_days=2
    )
    Membership.objects.create(workspace=other, user=admin, role="admin")
    client = signed_in(admin)
    _, _, other_off = _urls(other)
    _, on, _ = _urls(workspace)
    client.post(other_off, {"send": "1"})
    off_code = last_emailed_code()

    response = client.post(on, {"period": "3", "code": off_code})

    assert _error_code(response, "code") == "code_missing"
    workspace.refresh_from_db()
    assert workspace.two_step_required_since is None


def test_enable_policy_code_bound_to_other_workspace_is_refused(
    admin, workspace, mailoutbox
):
    other = Workspace.objects.create(name="Other")
    Membership.objects.create(workspace=other, user=admin, role="admin")
    client = signed_in(admin)
    client.post(_urls(other)[1], {"send": "1", "period": "3"})

    response = client.post(
        _urls(workspace)[1], {"period": "3", "code": last_emailed_code()}
    )

    assert _error_code(response, "code") == "code_missing"
    workspace.refresh_from_db()
    assert workspace.two_step_required_since is None


def test_enable_policy_expired_code_is_refused(admin_client, workspace, mailoutbox):
    _, on, _ = _urls(workspace)
    with freeze_time(T0):
        admin_client.post(on, {"send": "1", "period": "3"})
    with freeze_time(T0 + timedelta(minutes=10) + SECOND):
        response = admin_client.post(on, {"period": "3", "code": last_emailed_code()})

    assert _error_code(response, "code") == "code_expired"
    workspace.refresh_from_db()
    assert workspace.two_step_required_since is None


def test_enable_policy_used_code_is_refused(admin_client, workspace, mailoutbox):
    _turn_on(admin_client, workspace)
    _turn_off(admin_client, workspace)
    used = next(m for m in mailoutbox if "make two-step" in m.subject)
    code = re.search(r"\b(\d{6})\b", used.body).group(1)

    response = admin_client.post(_urls(workspace)[1], {"period": "3", "code": code})

    assert _error_code(response, "code") == "code_used"


def test_enable_policy_wrong_code_counts_a_try(admin_client, workspace, mailoutbox):
    _, on, _ = _urls(workspace)
    admin_client.post(on, {"send": "1", "period": "3"})
    good = last_emailed_code()
    wrong = "000000" if good != "000000" else "111111"

    response = admin_client.post(on, {"period": "3", "code": wrong})

    assert _error_code(response, "code") == "code_wrong"
    assert EmailCode.objects.get(purpose="policy_on").attempts == 1


def test_send_policy_code_admin_without_two_step_is_refused(workspace, mailoutbox):
    admin = UserFactory()
    MembershipFactory(workspace=workspace, user=admin, role=Membership.Role.ADMIN)
    client = signed_in(admin)
    settings_url, on, _ = _urls(workspace)

    page = client.get(settings_url)
    response = client.post(on, {"send": "1", "period": "3"})

    assert 'data-error="policy_needs_two_step"' in page.content.decode()
    assert "/settings/security/" in page.content.decode()
    assert _error_code(response, "period") == "policy_needs_two_step"
    assert mailoutbox == []


@pytest.mark.parametrize("path_index", [1, 2])
def test_policy_forms_non_admin_is_forbidden_and_nothing_changes(
    member, workspace, mailoutbox, path_index
):
    enable_two_step_unchecked(member)
    path = _urls(workspace)[path_index]

    response = signed_in(member).post(path, {"send": "1", "period": "3"})

    assert response.status_code == 403
    workspace.refresh_from_db()
    assert workspace.two_step_required_since is None
    assert mailoutbox == []


def test_disable_policy_send_then_confirm_turns_it_off(
    admin_client, admin, workspace, mailoutbox
):
    _turn_on(admin_client, workspace)

    response = _turn_off(admin_client, workspace)

    workspace.refresh_from_db()
    assert response.status_code == 302
    assert workspace.two_step_required_since is None
    event = SecurityEvent.objects.get(kind="policy_disabled")
    assert (event.actor, event.workspace) == (admin, workspace)


def test_disable_policy_when_off_is_refused(admin_client, workspace, mailoutbox):
    response = admin_client.post(_urls(workspace)[2], {"send": "1"}, follow=True)

    assert "already optional" in response.content.decode()
    assert mailoutbox == []


def test_enable_policy_again_after_off_starts_a_new_period(
    admin_client, workspace, mailoutbox
):
    member = UserFactory()
    MembershipFactory(workspace=workspace, user=member, joined_at=T0 - DAY)
    with freeze_time(T0):
        _turn_on(admin_client, workspace, period="2")
    with freeze_time(T0 + DAY):
        _turn_off(admin_client, workspace)
    with freeze_time(T0 + 5 * DAY):
        _turn_on(admin_client, workspace, period="2")

    membership = Membership.objects.get(user=member)
    workspace.refresh_from_db()
    assert workspace.two_step_required_since == T0 + 5 * DAY
    assert deadline_of(membership) == T0 + 7 * DAY
    assert setup_overdue(member, now=T0 + 7 * DAY - SECOND) is False


def test_settings_page_policy_on_shows_since_and_period(
    admin_client, workspace, mailoutbox
):
    with freeze_time(T0):
        _turn_on(admin_client, workspace, period="3")

        page = admin_client.get(_urls(workspace)[0]).content.decode()

    assert "2 March 2026, 23:00" in page
    assert "3 days" in page


def test_edit_workspace_saves_name_and_time_zone(admin_client, workspace):
    response = admin_client.post(
        _urls(workspace)[0], {"name": "Acme Ltd", "time_zone": "Pacific/Pago_Pago"}
    )

    workspace.refresh_from_db()
    assert response.status_code == 302
    assert (workspace.name, workspace.time_zone) == ("Acme Ltd", "Pacific/Pago_Pago")


def test_edit_workspace_unknown_time_zone_changes_nothing(admin_client, workspace):
    response = admin_client.post(
        _urls(workspace)[0], {"name": "Acme Ltd", "time_zone": "Mars/Olympus"}
    )

    workspace.refresh_from_db()
    assert response.status_code == 400
    assert workspace.name == "Acme"


def test_enable_policy_period_other_than_the_code_was_sent_for_is_refused(
    admin_client, workspace, mailoutbox
):
    _, on, _ = _urls(workspace)
    admin_client.post(on, {"send": "1", "period": "3"})
    code = last_emailed_code()

    response = admin_client.post(on, {"period": "10", "code": code})

    assert response.status_code == 400
    assert _error_code(response, "period") == "period_not_of_code"
    assert "3 days" in response.content.decode()
    workspace.refresh_from_db()
    assert workspace.two_step_required_since is None
    assert EmailCode.objects.get(purpose="policy_on").attempts == 0


def test_enable_policy_period_the_code_was_sent_for_is_accepted(
    admin_client, workspace, mailoutbox
):
    _, on, _ = _urls(workspace)
    admin_client.post(on, {"send": "1", "period": "3"})
    code = last_emailed_code()
    admin_client.post(on, {"period": "10", "code": code})

    response = admin_client.post(on, {"period": "3", "code": code})

    workspace.refresh_from_db()
    assert response.status_code == 302
    assert workspace.compliance_period_days == 3


def test_send_policy_code_email_names_the_period(admin_client, workspace, mailoutbox):
    _, on, _ = _urls(workspace)

    admin_client.post(on, {"send": "1", "period": "1"})

    assert "compliance period of 1 day," in mailoutbox[-1].body


def test_settings_page_code_sent_offers_its_period_to_confirm(
    admin_client, workspace, mailoutbox
):
    settings_url, on, _ = _urls(workspace)
    admin_client.post(on, {"send": "1", "period": "5"})

    page = admin_client.get(settings_url)

    assert page.context["on_code_sent"] is True
    assert page.context["enable_form"]["period"].value() == 5


def test_send_policy_code_thousands_of_digits_is_out_of_range(
    admin_client, workspace, mailoutbox
):
    _, on, _ = _urls(workspace)

    response = admin_client.post(on, {"send": "1", "period": "1" * 5000})

    assert response.status_code == 400
    assert _error_code(response, "period") == "period_out_of_range"
    assert mailoutbox == []


def test_parse_compliance_period_leading_zeros_are_whole_days():
    assert parse_compliance_period("0007") == 7


def test_enable_policy_code_when_already_on_shows_the_refusal(
    admin_client, workspace, mailoutbox
):
    _, on, _ = _urls(workspace)
    admin_client.post(on, {"send": "1", "period": "3"})
    code = last_emailed_code()
    Workspace.objects.filter(pk=workspace.pk).update(
        two_step_required_since=T0, compliance_period_days=3
    )

    response = admin_client.post(on, {"period": "3", "code": code})

    assert response.status_code == 400
    assert "already mandatory in Acme" in response.content.decode()


def test_send_policy_code_when_already_on_shows_the_refusal(
    admin_client, workspace, mailoutbox
):
    Workspace.objects.filter(pk=workspace.pk).update(
        two_step_required_since=T0, compliance_period_days=3
    )

    response = admin_client.post(_urls(workspace)[1], {"send": "1", "period": "3"})

    assert response.status_code == 400
    assert "already mandatory in Acme" in response.content.decode()
    assert mailoutbox == []


def test_disable_policy_code_when_already_off_shows_the_refusal(
    admin_client, workspace, mailoutbox
):
    response = admin_client.post(_urls(workspace)[2], {"code": "123456"})

    assert response.status_code == 400
    assert "already optional in Acme" in response.content.decode()


def test_enable_policy_member_overdue_elsewhere_is_told_so(
    admin_client, workspace, mailoutbox
):
    member = UserFactory(email="late@example.com")
    beta = Workspace.objects.create(
        name="Beta", two_step_required_since=T0 - 5 * DAY, compliance_period_days=2
    )
    MembershipFactory(workspace=beta, user=member, joined_at=T0 - 9 * DAY)
    MembershipFactory(workspace=workspace, user=member, joined_at=T0 - DAY)

    with freeze_time(T0):
        _turn_on(admin_client, workspace, period="3")

    notice = next(m for m in mailoutbox if m.to == ["late@example.com"])
    assert "already past your deadline in Beta" in notice.body
    assert "Turn it on by" not in notice.body


def test_enable_policy_member_with_earlier_deadline_elsewhere_gets_that_one(
    admin_client, workspace, mailoutbox
):
    member = UserFactory(email="soon@example.com")
    beta = Workspace.objects.create(
        name="Beta", two_step_required_since=T0 - DAY, compliance_period_days=2
    )
    MembershipFactory(workspace=beta, user=member, joined_at=T0 - 9 * DAY)
    MembershipFactory(workspace=workspace, user=member, joined_at=T0 - DAY)

    with freeze_time(T0):
        _turn_on(admin_client, workspace, period="3")

    notice = next(m for m in mailoutbox if m.to == ["soon@example.com"])
    # 1 day after 09:00 UTC on 2 March, in Kiritimati (UTC+14).
    assert "Turn it on by 3 March 2026, 23:00 (Pacific/Kiritimati)" in notice.body
    assert "set by Beta" in notice.body
    assert "5 March" not in notice.body


def test_settings_page_period_inputs_have_distinct_ids(
    admin_client, workspace, mailoutbox
):
    settings_url, on, _ = _urls(workspace)
    admin_client.post(on, {"send": "1", "period": "3"})

    page = admin_client.get(settings_url).content.decode()

    ids = re.findall(r'\bid="([^"]+)"', page)
    assert 'id="id_period"' in page
    assert len(ids) == len(set(ids))


def test_send_policy_code_for_another_period_replaces_the_earlier_code(
    admin_client, workspace, mailoutbox
):
    _, on, _ = _urls(workspace)
    with freeze_time(T0) as clock:
        admin_client.post(on, {"send": "1", "period": "3"})
        first = last_emailed_code()
        clock.tick(10)
        waiting = admin_client.post(on, {"send": "1", "period": "2"})
        clock.tick(61)
        admin_client.post(on, {"send": "1", "period": "2"})

        response = admin_client.post(on, {"period": "3", "code": first})

    assert waiting.status_code == 400
    assert _error_code(waiting, "period") == "resend_wait"
    assert list(
        EmailCode.objects.order_by("created_at").values_list("status", flat=True)
    ) == ["replaced", "live"]
    assert response.status_code == 400
    workspace.refresh_from_db()
    assert workspace.two_step_required_since is None
