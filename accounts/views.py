from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts import credentials
from accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ProfileForm,
    ResetPasswordForm,
    SetFirstPasswordForm,
    SignInForm,
    SignUpForm,
)
from accounts.signup import sign_up as create_account
from security.access import ALL_STAGES, open_during
from security.errors import TwoStepError
from security.events import Kind, record_event
from security.forms import add_refusal
from security.mail import send_security_email
from security.models import EmailCode
from security.signals import password_changed
from workspace.selectors import memberships_for_request

Purpose = EmailCode.Purpose


@sensitive_post_parameters("password")
@never_cache
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = create_account(**form.cleaned_data)
        login(request, user, backend="accounts.backends.EmailBackend")
        messages.success(request, "Welcome! Your workspace is ready.")
        return redirect("accounts:home")
    return render(request, "accounts/sign_up.html", {"form": form})


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


@open_during(*ALL_STAGES)
class SignOutView(auth_views.LogoutView):
    """Signs out on POST; a GET (a typed or bookmarked address) asks first."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return render(request, "accounts/sign_out.html")


class ResetPasswordView(auth_views.PasswordResetView):
    form_class = ResetPasswordForm
    template_name = "accounts/reset_password/start.html"
    email_template_name = "security/email/reset_password_body.txt"
    subject_template_name = "security/email/reset_password_subject.txt"
    success_url = reverse_lazy("accounts:reset_password_sent")


class ResetPasswordSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/reset_password/sent.html"


class ConfirmResetPasswordView(auth_views.PasswordResetConfirmView):
    """Sets a new password. It never signs in: the second step still applies."""

    template_name = "accounts/reset_password/confirm.html"
    success_url = reverse_lazy("accounts:reset_password_complete")
    post_reset_login = False

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            user = form.user
            password_changed.send(sender=type(user), user=user, request=None)
            record_event(kind=Kind.PASSWORD_RESET, user=user, request=self.request)
            send_security_email(
                user=user, event="password_changed", request=self.request
            )
        return response


class ResetPasswordCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/reset_password/complete.html"


@login_required
def home(request):
    memberships = memberships_for_request(request)
    return render(request, "accounts/home.html", {"memberships": memberships})


@login_required
def edit_profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:edit_profile")
    return render(request, "accounts/profile/edit.html", {"form": form})


def _send_change_code(request, purpose):
    try:
        sent_to = credentials.send_change_code(request=request, purpose=purpose)
    except TwoStepError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"We sent a 6-digit code to {sent_to}.")


@login_required
@never_cache
@sensitive_post_parameters("old_password", "new_password1", "new_password2", "code")
def change_password(request):
    user = request.user
    code_required = credentials.needs_code(user)
    form_class = (
        ChangePasswordForm if user.has_usable_password() else SetFirstPasswordForm
    )
    if request.method == "POST" and "send" in request.POST:
        _send_change_code(request, Purpose.CHANGE_PASSWORD)
        return redirect("accounts:change_password")
    form = form_class(
        user, request.POST or None, request=request, code_required=code_required
    )
    if request.method == "POST" and form.is_valid():
        try:
            credentials.change_password(
                request=request,
                new_password=form.cleaned_data["new_password1"],
                code=form.cleaned_data.get("code"),
            )
        except TwoStepError as error:
            add_refusal(form, "code", error)
        else:
            messages.success(
                request, "Your password is changed. Other sessions were signed out."
            )
            return redirect("accounts:edit_profile")
    return render(
        request,
        "accounts/profile/change_password.html",
        {"form": form, "code_required": code_required},
    )


@login_required
@never_cache
@sensitive_post_parameters("password", "code")
def change_email(request):
    code_required = credentials.needs_code(request.user)
    if request.method == "POST" and "send" in request.POST:
        _send_change_code(request, Purpose.CHANGE_EMAIL)
        return redirect("accounts:change_email")
    form = ChangeEmailForm(
        request.user, request.POST or None, request=request, code_required=code_required
    )
    if request.method == "POST" and form.is_valid():
        try:
            credentials.request_email_change(
                request=request,
                new_email=form.cleaned_data["email"],
                code=form.cleaned_data.get("code"),
            )
        except TwoStepError as error:
            add_refusal(form, "code", error)
        else:
            messages.success(
                request,
                f"We sent a confirmation link to {form.cleaned_data['email']}. Your "
                "address changes once you open it.",
            )
            return redirect("accounts:edit_profile")
    return render(
        request,
        "accounts/profile/change_email.html",
        {"form": form, "code_required": code_required},
    )


@never_cache
def confirm_email(request, token):
    """Shows what the link changes; only the POST changes it."""
    try:
        change = credentials.check_email_change(token)
        if request.method == "POST":
            credentials.confirm_email_change(request=request, token=token)
            messages.success(request, f"Your email address is now {change['to']}.")
            return redirect("accounts:home")
    except credentials.EmailChangeError as error:
        return render(
            request,
            "accounts/profile/confirm_email.html",
            {"error": error},
            status=400,
        )
    return render(
        request, "accounts/profile/confirm_email.html", {"new_email": change["to"]}
    )
