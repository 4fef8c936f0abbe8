from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from accounts import throttle
from accounts.models import User, normalize_email, time_zone_choices
from kommo2fa.request_info import client_ip
from security import email_codes
from security.errors import TwoStepError
from security.errors import render as render_two_step_error
from security.forms import code_field
from security.mail import send_security_email
from workspace.validators import validate_one_line_name


class SignUpForm(forms.Form):
    name = forms.CharField(
        max_length=150, label="Your name", validators=[validate_one_line_name]
    )
    email = forms.EmailField(label="Email address")
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    workspace_name = forms.CharField(
        max_length=150, label="Workspace name", validators=[validate_one_line_name]
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="UTC")

    error_messages = {
        "email_taken": (
            "An account with this email address already exists. Sign in instead, "
            "or reset your password if you forgot it."
        ),
    }

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                self.error_messages["email_taken"], code="email_taken"
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(
                email=cleaned.get("email", ""), name=cleaned.get("name", "")
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That email address and password do not match an account. Check "
            "both and try again, or reset your password."
        ),
        "throttled": (
            "Too many failed sign-ins. Wait 15 minutes and try again, or reset "
            "your password."
        ),
    }

    def clean(self):
        email = normalize_email(self.cleaned_data.get("username", ""))
        self.cleaned_data["username"] = email
        ip = client_ip(self.request)
        if email and throttle.retry_after(email=email, ip=ip):
            raise forms.ValidationError(
                self.error_messages["throttled"], code="throttled"
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if email:
                throttle.record_failure(email=email, ip=ip)
            raise
        throttle.record_success(email=email, ip=ip)
        return cleaned


class ResetPasswordForm(PasswordResetForm):
    """Sends the reset link as a security email: queued, and saying from where."""

    def save(self, *args, request=None, **kwargs):
        self.request = request
        return super().save(*args, request=request, **kwargs)

    def get_users(self, email):
        """Active accounts with this address, with or without a password.

        An account made through a social provider has none; the link is how
        its owner sets one, as the mailbox already proves who they are.
        """
        return User.objects.filter(email=normalize_email(email), is_active=True)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        if not throttle.allow_reset_email(email=to_email):
            return
        link = {name: context[name] for name in ("protocol", "domain", "uid", "token")}
        send_security_email(
            user=context["user"],
            event="reset_password",
            request=self.request,
            to=to_email,
            email=to_email,
            **link,
        )


class ProfileForm(forms.ModelForm):
    name = forms.CharField(
        max_length=150,
        error_messages={"required": "Enter your name, as your team should see it."},
        validators=[validate_one_line_name],
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["name", "time_zone"]


class _CodeMixin:
    """Adds the emailed code field when two-step verification is on."""

    def add_code_field(self, required):
        if required:
            self.fields["code"] = code_field()

    def clean_code(self):
        try:
            return email_codes.normalize_code(self.cleaned_data["code"])
        except TwoStepError as error:
            raise forms.ValidationError(error.message, code=error.code) from None


class ChangePasswordForm(_CodeMixin, PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_throttled": render_two_step_error("password_throttled"),
    }

    def __init__(self, user, *args, request=None, code_required=False, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)
        self.add_code_field(code_required)

    def clean_old_password(self):
        password = self.cleaned_data["old_password"]
        matches = throttle.password_matches(
            user=self.user, password=password, request=self.request
        )
        if matches is None:
            raise forms.ValidationError(
                self.error_messages["password_throttled"], code="password_throttled"
            )
        if not matches:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return password


class SetFirstPasswordForm(_CodeMixin, SetPasswordForm):
    """For accounts made through a social provider, which have no password."""

    def __init__(self, user, *args, request=None, code_required=False, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.add_code_field(code_required)


class ChangeEmailForm(_CodeMixin, forms.Form):
    email = forms.EmailField(label="New email address")
    password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "email_taken": (
            "Another account already uses this email address. Choose another one."
        ),
        "email_same": "That is already your email address.",
        "password_wrong": "That password is not right. Enter your current password.",
        "password_not_set": (
            "Your account has no password yet. Set a password first, then change "
            "your email address."
        ),
    }

    def __init__(self, user, *args, request=None, code_required=False, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)
        self.add_code_field(code_required)

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        if email == self.user.email:
            raise forms.ValidationError(
                self.error_messages["email_same"], code="email_same"
            )
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                self.error_messages["email_taken"], code="email_taken"
            )
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.has_usable_password():
            raise forms.ValidationError(
                self.error_messages["password_not_set"], code="password_not_set"
            )
        matches = throttle.password_matches(
            user=self.user, password=password, request=self.request
        )
        if matches is None:
            raise forms.ValidationError(
                render_two_step_error("password_throttled"), code="password_throttled"
            )
        if not matches:
            raise forms.ValidationError(
                self.error_messages["password_wrong"], code="password_wrong"
            )
        return password
