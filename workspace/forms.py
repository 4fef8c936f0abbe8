from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from accounts.models import User, time_zone_choices
from security.forms import CodeForm
from workspace.errors import WorkspaceError
from workspace.models import Membership, Workspace
from workspace.policy import parse_compliance_period
from workspace.validators import validate_one_line_name


def add_refusal(form, field, error) -> None:
    """Show a refusal beside `field` (or above the form), keyed by its code."""
    form.add_error(field, ValidationError(error.message, code=error.code))


class WorkspaceForm(forms.ModelForm):
    name = forms.CharField(max_length=150, validators=[validate_one_line_name])
    time_zone = forms.ChoiceField(choices=time_zone_choices)

    class Meta:
        model = Workspace
        fields = ["name", "time_zone"]


class PeriodField(forms.CharField):
    """1 to 10 whole days; every other input gets its own message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Compliance period (days)")
        kwargs.setdefault(
            "widget",
            forms.NumberInput(attrs={"min": 1, "max": 10, "step": 1}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        try:
            return parse_compliance_period(value)
        except WorkspaceError as error:
            raise ValidationError(error.message, code=error.code) from None


class SendPolicyOnCodeForm(forms.Form):
    period = PeriodField(
        help_text="Members without two-step verification get this many days "
        "to turn it on; people who join later get the same from when they join."
    )


class EnablePolicyForm(CodeForm):
    period = PeriodField()

    def __init__(self, *args, **kwargs):
        # It shares the settings page with SendPolicyOnCodeForm's period field.
        kwargs.setdefault("auto_id", "id_confirm_%s")
        super().__init__(*args, **kwargs)


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(
        choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class JoinForm(forms.Form):
    """A new person's account, made from an invitation."""

    name = forms.CharField(
        max_length=150, label="Your name", validators=[validate_one_line_name]
    )
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(email=self.email, name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned
