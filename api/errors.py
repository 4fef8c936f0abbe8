"""Every error the API answers with, keyed by a code, in one place.

An error is JSON: `{"error": "<code>", "detail": "<sentence for a person>"}`
plus the fields named for it (`retry_after`, `attempts_left`, `fields`,
`method`).
Refusals of the second step keep the keys and sentences of the web, from
`security.errors`, except where the API names them differently.
"""

import logging
import math

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils import timezone

from rest_framework import exceptions, status
from rest_framework.response import Response

from security.errors import TwoStepError

logger = logging.getLogger(__name__)

MESSAGES = {
    "invalid_request": "Some fields are missing or wrong; see `fields`.",
    "malformed_json": "The body is not valid JSON. Send a JSON object.",
    "unsupported_media_type": "Send the body as JSON (Content-Type: application/json).",
    "body_too_large": "The body is too large. Send only the fields this call takes.",
    "invalid_credentials": (
        "That email address and password do not match an account. Check both "
        "and try again."
    ),
    "rate_limited": (
        "Too many failed sign-ins. Wait {retry_after} seconds and try again, or "
        "reset your password in the web app."
    ),
    "two_step_setup_required": (
        "Your workspace requires two-step verification. Set it up in the web "
        "app (Profile settings → Security), then sign in here again."
    ),
    "challenge_invalid": (
        "This sign-in is unknown, already finished or older than 10 minutes. "
        "Sign in again."
    ),
    "invalid_code": "That code is not right.",
    "not_authenticated": "Sign in first: send the token as `Authorization: Bearer`.",
    "token_invalid": "This token is not valid or was signed out. Sign in again.",
    "desktop_only": (
        "Two-step verification can only be turned on or off in the web app: "
        "Profile settings → Security."
    ),
    "not_found": "There is nothing at this address.",
    "method_not_allowed": "This address does not take {method} requests.",
    "server_error": "Something went wrong on our side. Try again later.",
}

# Second-step refusals whose API key differs from the web's.
_RENAMED = {"code_wrong": "invalid_code", "backup_code_wrong": "invalid_code"}
_TOO_MANY = {"locked", "resend_wait", "too_many_codes"}


class ApiError(exceptions.APIException):
    """A refusal with its key, HTTP status and extra fields."""

    def __init__(self, code, *, status_code=400, detail=None, **extra):
        self.code = code
        self.status_code = status_code
        self.extra = extra
        text = detail or MESSAGES[code].format(**extra)
        super().__init__(detail=text, code=code)


def _retry_after(error: TwoStepError) -> int:
    params = error.params
    if "until" in params:
        seconds = (params["until"] - timezone.now()).total_seconds()
        return max(1, math.ceil(seconds))
    if "seconds" in params:
        return int(params["seconds"])
    return int(params.get("minutes", 1)) * 60


def code_held_back(error: TwoStepError) -> dict:
    """Why a sign-in's code was not emailed, as fields of its challenge."""
    return {
        "reason": error.code,
        "detail": error.message,
        "retry_after": _retry_after(error),
    }


def from_two_step_error(error: TwoStepError) -> ApiError:
    """The API's answer to a refusal of the second step."""
    code = _RENAMED.get(error.code, error.code)
    if error.code in _TOO_MANY:
        return ApiError(
            code,
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            detail=error.message,
            retry_after=_retry_after(error),
        )
    extra = {}
    if "attempts_left" in error.params:
        extra["attempts_left"] = error.params["attempts_left"]
    return ApiError(code, detail=error.message, **extra)


def _as_api_error(exc, request) -> ApiError | None:
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, TwoStepError):
        return from_two_step_error(exc)
    if isinstance(exc, RequestDataTooBig):
        return ApiError("body_too_large", status_code=413)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return ApiError("not_found", status_code=404)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"body": exc.detail}
        return ApiError("invalid_request", fields=detail)
    if isinstance(exc, exceptions.ParseError):
        return ApiError("malformed_json")
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return ApiError("unsupported_media_type", status_code=415)
    if isinstance(exc, exceptions.NotAuthenticated):
        return ApiError("not_authenticated", status_code=401)
    if isinstance(exc, exceptions.AuthenticationFailed):
        return ApiError("token_invalid", status_code=401)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return ApiError("method_not_allowed", status_code=405, method=request.method)
    return None


def handle_exception(exc, context):
    """DRF's exception handler: every refusal as `{"error", "detail", ...}`,
    and any other failure as a 500 `server_error` that says nothing of it.
    """
    error = _as_api_error(exc, context["request"])
    if error is None:
        # Answered here, the exception never reaches Django's handler, which
        # would log its traceback; name only the view, as the request carries
        # passwords and codes.
        logger.exception("The API failed in %s", type(context["view"]).__name__)
        error = ApiError("server_error", status_code=500)
    headers = {}
    if error.status_code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    if "retry_after" in error.extra:
        headers["Retry-After"] = str(error.extra["retry_after"])
    body = {"error": error.code, "detail": str(error.detail), **error.extra}
    return Response(body, status=error.status_code, headers=headers)
