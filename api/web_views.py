"""Web pages' actions on app tokens (Profile settings → Security)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from api.tokens import revoke_token


@require_POST
@login_required
def revoke_app_token(request, token_id):
    if revoke_token(user=request.user, token_id=token_id, request=request):
        messages.success(request, "That app is signed out.")
    else:
        messages.error(request, "That app was already signed out.")
    return redirect("security:show_security")
