from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.forms import ProfileForm, ResetPasswordForm, SignInForm, SignUpForm
from accounts.signup import sign_up as create_account
from security.access import ALL_STAGES, open_during
from security.events import Kind, record_event
from security.mail import send_security_email
from security.signals import password_changed
from workspace.models import Membership


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
    pass


class ResetPasswordView(auth_views.PasswordResetView):
    form_class = ResetPasswordForm
    template_name = "accounts/reset_password/start.html"
    email_template_name = "accounts/email/reset_password_body.txt"
    subject_template_name = "accounts/email/reset_password_subject.txt"
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
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("workspace")
        .order_by("workspace__name")
    )
    return render(request, "accounts/home.html", {"memberships": memberships})


@login_required
def edit_profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:edit_profile")
    return render(request, "accounts/profile/edit.html", {"form": form})
