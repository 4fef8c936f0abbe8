from django import forms
from django.core.exceptions import ValidationError

from security import backup_codes, email_codes
from security.errors import TwoStepError


def add_refusal(form, field, error: TwoStepError) -> None:
    """Show a refusal beside `field`, keyed by its code."""
    form.add_error(field, ValidationError(error.message, code=error.code))


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the email",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "placeholder": "123456",
            }
        ),
    )

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
