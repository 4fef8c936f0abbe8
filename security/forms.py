from django import forms
from django.core.exceptions import ValidationError

from security import backup_codes, email_codes
from security.errors import TwoStepError, render


def add_refusal(form, field, error: TwoStepError) -> None:
    """Show a refusal beside `field`, keyed by its code."""
    form.add_error(field, ValidationError(error.message, code=error.code))


def code_field(**attrs) -> forms.CharField:
    """The field for a 6-digit email code, with the product's own messages."""
    return forms.CharField(
        label="Code from the email",
        max_length=20,
        error_messages={
            "required": render("code_required"),
            "max_length": render("code_format"),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "placeholder": "123456",
                **attrs,
            }
        ),
    )


class CodeForm(forms.Form):
    code = code_field(autofocus=True)

    def clean_code(self):
        try:
            return email_codes.normalize_code(self.cleaned_data["code"])
        except TwoStepError as error:
            raise ValidationError(error.message, code=error.code) from None


class BackupCodeForm(forms.Form):
    code = forms.CharField(
        label="Backup code",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        try:
            return backup_codes.normalize_code(self.cleaned_data["code"])
        except TwoStepError as error:
            raise ValidationError(error.message, code=error.code) from None


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
