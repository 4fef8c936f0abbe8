from django.core.exceptions import ValidationError

import pytest

from accounts.forms import ProfileForm, SignUpForm
from tests.factories import UserFactory
from tests.workspace.conftest import signed_in
from workspace.forms import JoinForm, WorkspaceForm
from workspace.validators import validate_one_line_name

INJECTED = [
    "Acme\nPlease confirm at http://evil.example",
    "Acme\r\nBcc: x",
    "Ac\tme",
    "Acme\x1b[31m",
    "Acme\u2028Next line",
    "Acme\x85Next line",
]


@pytest.mark.parametrize("name", ["Acme", "Zoë Ñandú", "Команда 42", "👩‍💻 Team"])
def test_validate_one_line_name_ordinary_name_is_accepted(name):
    validate_one_line_name(name)


@pytest.mark.parametrize("name", INJECTED)
def test_validate_one_line_name_control_characters_are_refused(name):
    with pytest.raises(ValidationError) as refusal:
        validate_one_line_name(name)

    assert refusal.value.code == "name_control_characters"


@pytest.mark.parametrize(
    ("form", "data", "field"),
    [
        (WorkspaceForm, {"time_zone": "UTC"}, "name"),
        (ProfileForm, {"time_zone": "UTC"}, "name"),
        (
            SignUpForm,
            {
                "email": "new@example.com",
                "password": "a long new passphrase 42",
                "workspace_name": "Acme",
                "time_zone": "UTC",
            },
            "name",
        ),
    ],
)
@pytest.mark.parametrize("name", INJECTED)
def test_name_fields_control_characters_are_refused(
    transactional_db, form, data, field, name
):
    bound = form({**data, field: name})

    assert not bound.is_valid()
    assert bound.errors.as_data()[field][0].code == "name_control_characters"


def test_join_form_name_with_line_break_is_refused():
    form = JoinForm(
        {"name": "Nia\nEvil", "password": "a long new passphrase 42"},
        email="new@example.com",
    )

    assert not form.is_valid()
    assert form.errors.as_data()["name"][0].code == "name_control_characters"


def test_edit_workspace_name_with_line_break_changes_nothing(admin_client, workspace):
    response = admin_client.post(
        f"/workspaces/{workspace.pk}/settings/",
        {"name": "Acme\nClick http://evil.example", "time_zone": "UTC"},
    )

    workspace.refresh_from_db()
    assert response.status_code == 400
    assert "cannot contain line breaks" in response.content.decode()
    assert workspace.name == "Acme"


def test_edit_profile_name_with_line_break_changes_nothing(transactional_db):
    user = UserFactory(name="Ada")
    client = signed_in(user)

    client.post("/settings/profile/", {"name": "Ada\nEvil", "time_zone": "UTC"})

    user.refresh_from_db()
    assert user.name == "Ada"
