from workspace.selectors import memberships_for_request, pick_current, two_step_notice


def workspace_context(request):
    """The workspace switcher, the admin links and the two-step notice."""
    user = getattr(request, "user", None)
    if (
        user is None
        or not user.is_authenticated
        or getattr(request, "security_stage", None)
    ):
        return {}
    memberships = memberships_for_request(request)
    return {
        "workspace_memberships": memberships,
        "current_membership": pick_current(memberships, request.session),
        "two_step_notice": two_step_notice(user=user, memberships=memberships),
    }
