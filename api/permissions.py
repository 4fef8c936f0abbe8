from rest_framework.permissions import BasePermission

from api.errors import ApiError
from security.second_step import two_step_enabled
from workspace.compliance import setup_overdue


class HasToken(BasePermission):
    def has_permission(self, request, view):
        return request.user is not None and request.auth is not None


class SignInComplete(HasToken):
    """A token holder who is not past a mandatory deadline without 2FA.

    Tokens issued before the deadline keep working only until it passes;
    from then on the app is sent to the web app, as a browser would be.
    """

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if not two_step_enabled(request.user) and setup_overdue(request.user):
            raise ApiError("two_step_setup_required", status_code=403)
        return True
