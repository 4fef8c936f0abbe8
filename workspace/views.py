from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from kommo2fa.redirects import safe_next
from security.errors import TwoStepError
from security.forms import CodeForm
from security.mail import mask_email
from security.second_step import two_step_enabled
from workspace import invitations, policy, selectors
from workspace import membership as membership_ops
from workspace.compliance import Status
from workspace.conf import workspace_settings
from workspace.errors import WorkspaceError
from workspace.errors import render as render_error
from workspace.export import member_csv
from workspace.forms import (
    EnablePolicyForm,
    InviteForm,
    JoinForm,
    RoleForm,
    SendPolicyOnCodeForm,
    WorkspaceForm,
    add_refusal,
)
from workspace.mail import workspace_zone

CHOSEN_PERIOD = "workspace.chosen_period"
PENDING_INVITATION = "workspace.pending_invitation"


def admin_only(view):
    """Give the view the admin's membership: 404 outside it, 403 to members."""

    @login_required
    @wraps(view)
    def wrapped(request, workspace_id, *args, **kwargs):
        membership = selectors.membership_in(
            user=request.user, workspace_id=workspace_id
        )
        if membership is None:
            raise Http404("You are not a member of that workspace.")
        if request.session.get(selectors.CURRENT_WORKSPACE) != workspace_id:
            request.session[selectors.CURRENT_WORKSPACE] = workspace_id
        if not membership.is_admin:
            return render(
                request,
                "workspace/errors/forbidden.html",
                {
                    "workspace": membership.workspace,
                    "message": render_error(
                        "not_admin", workspace=membership.workspace.name
                    ),
                },
                status=403,
            )
        return view(request, membership, *args, **kwargs)

    return wrapped


@require_POST
@login_required
def switch_workspace(request):
    chosen = selectors.membership_in(
        user=request.user, workspace_id=request.POST.get("workspace") or 0
    )
    if chosen is None:
        raise Http404("You are not a member of that workspace.")
    request.session[selectors.CURRENT_WORKSPACE] = chosen.workspace_id
    messages.success(request, f"You are now working in {chosen.workspace.name}.")
    return redirect(safe_next(request))


# Workspace settings


def _settings_page(request, membership, *, status=200, **forms):
    workspace = membership.workspace
    chosen = request.session.get(CHOSEN_PERIOD, {}).get(str(workspace.pk))
    pending = policy.pending_period(membership=membership)
    initial_period = pending or chosen or workspace.compliance_period_days or 7
    context = {
        "workspace": workspace,
        "form": forms.get("form") or WorkspaceForm(instance=workspace),
        "send_form": forms.get("send_form")
        or SendPolicyOnCodeForm(initial={"period": initial_period}),
        "enable_form": forms.get("enable_form")
        or EnablePolicyForm(initial={"period": initial_period}),
        "disable_form": forms.get("disable_form") or CodeForm(),
        "admin_two_step_active": two_step_enabled(request.user),
        "email_hint": mask_email(request.user.email),
        "on_code_sent": pending is not None,
        "off_code_sent": policy.code_sent(membership=membership, turning_on=False),
        "on_resend_in": policy.resend_available_in(
            membership=membership, turning_on=True, period=initial_period
        ),
        "off_resend_in": policy.resend_available_in(
            membership=membership, turning_on=False
        ),
    }
    return render(request, "workspace/settings/edit.html", context, status=status)


@never_cache
@admin_only
def edit_workspace(request, membership):
    if request.method != "POST":
        return _settings_page(request, membership)
    form = WorkspaceForm(request.POST, instance=membership.workspace)
    if not form.is_valid():
        return _settings_page(request, membership, form=form, status=400)
    membership_ops.update_workspace(
        workspace=membership.workspace,
        name=form.cleaned_data["name"],
        time_zone=form.cleaned_data["time_zone"],
        actor=request.user,
        request=request,
    )
    messages.success(request, "Workspace settings are saved.")
    return redirect("workspace:edit_workspace", membership.workspace_id)


def _refusal_field(error, field):
    """Where a policy refusal shows: a state refusal above the policy card,
    since the form it came from is not shown in that state."""
    return None if error.code in ("policy_already_on", "policy_already_off") else field


def _settings_url(membership) -> str:
    return reverse("workspace:edit_workspace", args=[membership.workspace_id])


@require_POST
@never_cache
@sensitive_post_parameters("code")
@admin_only
def enable_policy(request, membership):
    if "send" in request.POST:
        form = SendPolicyOnCodeForm(request.POST)
        if not form.is_valid():
            return _settings_page(request, membership, send_form=form, status=400)
        try:
            sent_to = policy.send_policy_code(
                membership=membership,
                turning_on=True,
                period=form.cleaned_data["period"],
                request=request,
            )
        except (WorkspaceError, TwoStepError) as error:
            add_refusal(form, _refusal_field(error, "period"), error)
            return _settings_page(request, membership, send_form=form, status=400)
        chosen = request.session.get(CHOSEN_PERIOD, {})
        chosen[str(membership.workspace_id)] = form.cleaned_data["period"]
        request.session[CHOSEN_PERIOD] = chosen
        messages.success(request, f"We sent a 6-digit code to {sent_to}.")
        return redirect(_settings_url(membership))

    form = EnablePolicyForm(request.POST)
    if form.is_valid():
        try:
            policy.enable_policy(
                membership=membership,
                period=form.cleaned_data["period"],
                code=form.cleaned_data["code"],
                request=request,
            )
        except TwoStepError as error:
            add_refusal(form, "code", error)
        except WorkspaceError as error:
            add_refusal(form, _refusal_field(error, "period"), error)
        else:
            messages.success(
                request,
                "Two-step verification is now mandatory. Members without it "
                "get an email with their deadline.",
            )
            return redirect(_settings_url(membership))
    return _settings_page(request, membership, enable_form=form, status=400)


@require_POST
@never_cache
@sensitive_post_parameters("code")
@admin_only
def disable_policy(request, membership):
    if "send" in request.POST:
        try:
            sent_to = policy.send_policy_code(
                membership=membership, turning_on=False, request=request
            )
        except (WorkspaceError, TwoStepError) as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"We sent a 6-digit code to {sent_to}.")
        return redirect(_settings_url(membership))

    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            policy.disable_policy(
                membership=membership,
                code=form.cleaned_data["code"],
                request=request,
            )
        except TwoStepError as error:
            add_refusal(form, "code", error)
        except WorkspaceError as error:
            add_refusal(form, None, error)
        else:
            messages.success(
                request,
                "Two-step verification is optional again. Members without it "
                "sign in with their password alone.",
            )
            return redirect(_settings_url(membership))
    return _settings_page(request, membership, disable_form=form, status=400)


# Users management


def _filters(request) -> dict:
    status = request.GET.get("status", "")
    return {
        "status": status if status in Status._value2member_map_ else "",
        "search": request.GET.get("q", "").strip()[:100],
    }


def _members_page(request, membership, *, status=200, invite_form=None):
    workspace = membership.workspace
    filters = _filters(request)
    context = selectors.members_page(
        workspace=workspace,
        status=filters["status"] or None,
        search=filters["search"],
        page=request.GET.get("page", 1),
    )
    context.update(
        {
            "workspace": workspace,
            "membership": membership,
            "filters": filters,
            "statuses": list(Status),
            "roles": membership.Role.choices,
            "invite_form": invite_form or InviteForm(),
            "here": request.get_full_path(),
        }
    )
    with timezone.override(workspace_zone(workspace)):
        return render(request, "workspace/members/list.html", context, status=status)


@never_cache
@admin_only
def list_members(request, membership):
    return _members_page(request, membership)


@never_cache
@admin_only
def export_members(request, membership):
    filters = _filters(request)
    response = StreamingHttpResponse(
        member_csv(
            workspace=membership.workspace,
            status=filters["status"] or None,
            search=filters["search"],
        ),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="members-{membership.workspace_id}-{stamp}.csv"'
    )
    return response


@require_POST
@admin_only
def invite_member(request, membership):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitations.invite_member(
                workspace=membership.workspace,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
                request=request,
            )
        except WorkspaceError as error:
            add_refusal(form, "email", error)
        else:
            days = workspace_settings().INVITATION_LIFETIME.days
            messages.success(
                request,
                f"Invitation sent to {form.cleaned_data['email']}. The link works "
                f"once, for {days} day{pluralize(days)}.",
            )
            return redirect("workspace:list_members", membership.workspace_id)
    return _members_page(request, membership, status=400, invite_form=form)


def _back_to_members(request, membership):
    return redirect(
        safe_next(
            request,
            default=reverse("workspace:list_members", args=[membership.workspace_id]),
        )
    )


@require_POST
@admin_only
def change_role(request, membership, membership_id):
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role: Admin or Member.")
        return _back_to_members(request, membership)
    try:
        changed = membership_ops.change_role(
            workspace=membership.workspace,
            membership_id=membership_id,
            role=form.cleaned_data["role"],
            actor=request.user,
            request=request,
        )
    except WorkspaceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{changed.user.get_full_name()} is now "
            f"{changed.get_role_display().lower()}.",
        )
    if membership_id == membership.pk and form.cleaned_data["role"] != "admin":
        return redirect("accounts:home")
    return _back_to_members(request, membership)


@require_POST
@admin_only
def remove_member(request, membership, membership_id):
    try:
        removed = membership_ops.remove_member(
            workspace=membership.workspace,
            membership_id=membership_id,
            actor=request.user,
            request=request,
        )
    except WorkspaceError as error:
        messages.error(request, error.message)
        return _back_to_members(request, membership)
    messages.success(
        request,
        f"{removed.user.get_full_name()} is no longer a member of "
        f"{membership.workspace.name}.",
    )
    if removed.pk == membership.pk:
        request.session.pop(selectors.CURRENT_WORKSPACE, None)
        return redirect("accounts:home")
    return _back_to_members(request, membership)


# Invitations


def _refused(request, error, *, status):
    return render(
        request,
        "workspace/invitations/refused.html",
        {"message": error.message, "code": error.code},
        status=status,
    )


_REFUSAL_STATUS = {
    "invitation_invalid": 404,
    "invitation_used": 410,
    "invitation_expired": 410,
    "invitation_other_email": 403,
}


@never_cache
def open_invitation(request, token):
    """The emailed link: keep its token in the session and leave its address.

    Django logs the path of every refused request, and browsers send it on as
    the Referer; the pages of the invitation have no token in theirs.
    """
    request.session[PENDING_INVITATION] = token
    return redirect("workspace:accept_invitation")


@never_cache
@sensitive_post_parameters("password")
def accept_invitation(request):
    token = request.session.get(PENDING_INVITATION, "")
    try:
        invitation = invitations.find_invitation(token=token)
    except WorkspaceError as error:
        return _refused(request, error, status=_REFUSAL_STATUS[error.code])
    context = {"invitation": invitation, "workspace": invitation.workspace}

    if request.user.is_authenticated:
        try:
            if request.method == "POST":
                joined = invitations.accept_invitation(
                    invitation=invitation, user=request.user, request=request
                )
                request.session[selectors.CURRENT_WORKSPACE] = joined.workspace_id
                request.session.pop(PENDING_INVITATION, None)
                messages.success(request, f"Welcome to {invitation.workspace.name}.")
                return redirect("accounts:home")
            if request.user.email != invitation.email:
                raise WorkspaceError("invitation_other_email", email=invitation.email)
        except WorkspaceError as error:
            return _refused(request, error, status=_REFUSAL_STATUS[error.code])
        return render(request, "workspace/invitations/accept.html", context)

    if invitations.account_exists(invitation):
        # Back through the emailed link: signing in may start a new session.
        link = reverse("workspace:open_invitation", args=[token])
        context["sign_in_url"] = reverse("accounts:sign_in") + "?next=" + link
        return render(request, "workspace/invitations/accept.html", context)

    form = JoinForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.join_with_invitation(
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password"],
                request=request,
            )
        except WorkspaceError as error:
            return _refused(request, error, status=_REFUSAL_STATUS[error.code])
        login(request, user, backend="accounts.backends.EmailBackend")
        request.session[selectors.CURRENT_WORKSPACE] = invitation.workspace_id
        request.session.pop(PENDING_INVITATION, None)
        messages.success(request, f"Welcome to {invitation.workspace.name}.")
        return redirect("accounts:home")
    context["form"] = form
    return render(request, "workspace/invitations/join.html", context)
