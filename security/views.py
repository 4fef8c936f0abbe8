from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from kommo2fa.redirects import safe_next
from security import enrollment, second_step, selectors, sessions
from security.access import Stage, open_during
from security.errors import TwoStepError
from security.events import Kind, record_event
from security.forms import BackupCodeForm, CodeForm, PasswordForm, add_refusal
from security.mail import mask_email


def _next_query(request) -> str:
    target = safe_next(request)
    return (
        "?" + urlencode({"next": target}) if target != reverse("accounts:home") else ""
    )


@open_during(Stage.SECOND_STEP)
@login_required
@never_cache
@sensitive_post_parameters("code")
def verify_second_step(request):
    if request.security_stage is not Stage.SECOND_STEP:
        return redirect(safe_next(request))
    form = CodeForm(request.POST or None)
    notice = None

    if request.method == "POST" and "resend" in request.POST:
        try:
            sent_to = second_step.send_sign_in_code(request)
            messages.success(request, f"A new code is on its way to {sent_to}.")
        except TwoStepError as error:
            messages.error(request, error.message)
        return redirect(reverse("security:verify_second_step") + _next_query(request))
    if request.method == "POST" and form.is_valid():
        try:
            second_step.pass_with_email_code(
                request=request, code=form.cleaned_data["code"]
            )
        except TwoStepError as error:
            add_refusal(form, "code", error)
        else:
            return redirect(safe_next(request))
    if request.method == "GET" and not second_step.code_waiting(request):
        try:
            second_step.send_sign_in_code(request)
        except TwoStepError as error:
            notice = error.message

    return render(
        request,
        "security/second_step/verify.html",
        {
            "form": form,
            "notice": notice,
            "email_hint": mask_email(request.user.email),
            "resend_in": second_step.resend_available_in(request),
            "next": safe_next(request),
        },
    )


@open_during(Stage.SECOND_STEP)
@login_required
@never_cache
@sensitive_post_parameters("code")
def use_backup_code(request):
    if request.security_stage is not Stage.SECOND_STEP:
        return redirect(safe_next(request))
    form = BackupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            left = second_step.pass_with_backup_code(
                request=request, code=form.cleaned_data["code"]
            )
        except TwoStepError as error:
            add_refusal(form, "code", error)
        else:
            messages.warning(
                request,
                f"You signed in with a backup code. {left} backup codes are left.",
            )
            return redirect(safe_next(request))
    return render(
        request,
        "security/second_step/backup.html",
        {"form": form, "next": safe_next(request)},
    )


def _settings_page(request, *, status=200, **forms):
    context = selectors.security_overview(request)
    context.update(
        {
            "enable_form": forms.get("enable_form") or CodeForm(),
            "password_form": forms.get("password_form") or PasswordForm(),
            "disable_form": forms.get("disable_form") or CodeForm(),
            "new_codes_password_form": forms.get("new_codes_password_form")
            or PasswordForm(),
            "new_codes_form": forms.get("new_codes_form") or CodeForm(),
        }
    )
    return render(request, "security/settings/show.html", context, status=status)


@login_required
@never_cache
def show_security(request):
    return _settings_page(request)


@sensitive_variables()
def _show_backup_codes(request, codes):
    response = render(request, "security/settings/backup_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@sensitive_variables()
def _enable(request):
    """Send a code, or confirm one and show the backup codes once."""
    if "send" in request.POST:
        try:
            sent_to = enrollment.send_enable_code(request=request)
        except TwoStepError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"We sent a 6-digit code to {sent_to}.")
        return None, None
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            codes = enrollment.enable_two_step(
                request=request, code=form.cleaned_data["code"]
            )
        except TwoStepError as error:
            if error.code != "already_enabled":
                add_refusal(form, "code", error)
                return None, form
            # A second Confirm: the first one's page showed the codes.
            messages.error(request, error.message)
            return None, None
        else:
            return _show_backup_codes(request, codes), None
    return None, form


@require_POST
@login_required
@never_cache
@sensitive_post_parameters("code")
def enable_two_step(request):
    response, form = _enable(request)
    if response is not None:
        return response
    if form is None:
        return redirect("security:show_security")
    return _settings_page(request, enable_form=form)


@require_POST
@login_required
@never_cache
@sensitive_post_parameters("code", "password")
def disable_two_step(request):
    return _password_then_code(
        request,
        send=enrollment.send_disable_code,
        confirm=_turned_off,
        form_names=("password_form", "disable_form"),
    )


@sensitive_variables()
def _turned_off(*, request, code):
    enrollment.disable_two_step(request=request, code=code)
    messages.success(
        request, "Two-step verification is off. Your backup codes no longer work."
    )
    return redirect("security:show_security")


@require_POST
@login_required
@never_cache
@sensitive_post_parameters("code", "password")
def replace_backup_codes(request):
    """A new set of backup codes while 2FA stays on: password, then a code."""
    return _password_then_code(
        request,
        send=enrollment.send_new_codes_code,
        confirm=_new_codes_shown,
        form_names=("new_codes_password_form", "new_codes_form"),
    )


@sensitive_variables()
def _new_codes_shown(*, request, code):
    codes = enrollment.make_new_backup_codes(request=request, code=code)
    return _show_backup_codes(request, codes)


@sensitive_variables()
def _password_then_code(request, *, send, confirm, form_names):
    """A change that asks for the password, then for an emailed code.

    "Send code" checks the password and emails the code; "Confirm" makes
    the change. A refusal is shown beside the field it is about, in the
    page's forms named by `form_names` (password form, code form).
    """
    password_form, code_form = form_names
    if "send" in request.POST:
        form = PasswordForm(request.POST)
        if form.is_valid():
            try:
                sent_to = send(request=request, password=form.cleaned_data["password"])
            except TwoStepError as error:
                add_refusal(form, "password", error)
            else:
                messages.success(request, f"We sent a 6-digit code to {sent_to}.")
                return redirect("security:show_security")
        return _settings_page(request, **{password_form: form})

    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            return confirm(request=request, code=form.cleaned_data["code"])
        except TwoStepError as error:
            add_refusal(form, "code", error)
    return _settings_page(request, **{code_form: form})


@open_during(Stage.SETUP)
@login_required
@never_cache
@sensitive_post_parameters("code")
def set_up_two_step(request):
    """Set-up that a mandatory policy requires before anything else opens."""
    if request.security_stage is not Stage.SETUP:
        return redirect(safe_next(request))
    form = CodeForm()
    if request.method == "POST":
        response, refused = _enable(request)
        if response is not None:
            return response
        form = refused or form
    context = selectors.security_overview(request)
    context["enable_form"] = form
    return render(request, "security/settings/set_up.html", context)


@require_POST
@login_required
def revoke_session(request, session_id):
    current = sessions.current_session(request)
    if current is not None and current.pk == session_id:
        messages.error(request, "To sign out this browser, use Sign out.")
    elif sessions.revoke_session(user=request.user, session_id=session_id):
        record_event(kind=Kind.SESSION_REVOKED, user=request.user, request=request)
        messages.success(request, "That session is signed out.")
    else:
        messages.error(request, "That session was already signed out.")
    return redirect("security:show_security")
