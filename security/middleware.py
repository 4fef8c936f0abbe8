"""The one place that decides what a signed-in session may reach.

On every request, from the session and the database alone:
1. a session whose row was revoked is signed out;
2. a session of a user with two-step verification on that has not passed
   the second step reaches only views open at that stage, and is signed out
   once the pending sign-in is older than its lifetime;
3. a user past a mandatory deadline without two-step verification reaches
   only the set-up views.
It never asks which view signed the user in.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from security import second_step, sessions
from security.access import Stage, is_open_during
from security.errors import render
from workspace.compliance import setup_overdue
from workspace.selectors import memberships_for_request

logger = logging.getLogger(__name__)

_STAGE_HOME = {
    Stage.SECOND_STEP: "security:verify_second_step",
    Stage.SETUP: "security:set_up_two_step",
}


def current_stage(request):
    """The stage the signed-in `request.user` is held at, or None."""
    user = request.user
    if second_step.two_step_enabled(user):
        return None if second_step.is_passed(request) else Stage.SECOND_STEP
    if setup_overdue(user, memberships=memberships_for_request(request)):
        return Stage.SETUP
    return None


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            return self.get_response(request)

        row = sessions.current_session(request)
        if row is None:
            logger.info("Signed out a revoked session of user %s", request.user.pk)
            logout(request)
            return self.get_response(request)
        sessions.touch_session(row)

        stage = current_stage(request)
        request.security_stage = stage
        if stage is None or self._is_reachable(request, stage):
            return self.get_response(request)
        if stage is Stage.SECOND_STEP and second_step.is_expired(request):
            return self._sign_out_expired(request)
        return self._send_to(request, stage)

    def _sign_out_expired(self, request):
        logout(request)
        messages.error(request, render("sign_in_expired"))
        return redirect(settings.LOGIN_URL)

    def _is_reachable(self, request, stage) -> bool:
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        if stage is Stage.SECOND_STEP and second_step.is_expired(request):
            return False
        return is_open_during(match.func, stage)

    def _send_to(self, request, stage):
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "error": f"{stage}_required",
                    "detail": "Finish signing in in the web app first.",
                },
                status=403,
            )
        url = reverse(_STAGE_HOME[stage])
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
