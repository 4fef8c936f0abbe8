"""The mobile app's JSON API. Views parse, call one operation, answer.

Only Bearer tokens authenticate here, never the session cookie, so the
views are open at every stage of the browser's second step: a browser's
pending sign-in has no say over a token, and a token is only ever issued
after the second step.
"""

from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors, sign_in
from api.errors import ApiError, code_held_back
from api.negotiation import JSONUnlessAsked
from api.permissions import HasToken
from api.serializers import (
    ChallengeSerializer,
    ErrorSerializer,
    LoginSerializer,
    MeSerializer,
    ResendSerializer,
    TokenSerializer,
    TwoStepRequiredSerializer,
    VerifySerializer,
)
from api.tokens import TOKEN_TYPE, revoke_token
from security.access import ALL_STAGES, open_during


def _error(description):
    return OpenApiResponse(ErrorSerializer, description=description)


_BAD_INPUT = {
    400: _error("invalid_request, malformed_json"),
    413: _error("body_too_large"),
    415: _error("unsupported_media_type"),
}
_NEEDS_TOKEN = {
    401: _error("not_authenticated, token_invalid"),
    403: _error("two_step_setup_required"),
}


def _token_answer(token):
    return Response({"token": token, "token_type": TOKEN_TYPE})


def _challenge_answer(challenge):
    body = {
        "status": "two_step_required",
        "challenge": challenge.value,
        "email_hint": challenge.email_hint,
        "expires_in": challenge.expires_in,
        "code_sent": challenge.held_back is None,
    }
    if challenge.held_back is not None:
        body.update(code_held_back(challenge.held_back))
    return Response(body)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ApiView(APIView):
    """Answers in JSON unless the client asks for another form the view has."""

    content_negotiation_class = JSONUnlessAsked


class OpenView(ApiView):
    # For callers without a token yet.
    authentication_classes = []
    permission_classes = [AllowAny]


@open_during(*ALL_STAGES)
@method_decorator(never_cache, name="dispatch")
@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(OpenView):
    @extend_schema(
        operation_id="login",
        request=LoginSerializer,
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="LoginAnswer",
                    serializers=[TokenSerializer, TwoStepRequiredSerializer],
                    resource_type_field_name=None,
                ),
                description=(
                    "A token, or a challenge when the second step is on; the "
                    "challenge says when the limits on codes held its email back."
                ),
            ),
            **_BAD_INPUT,
            401: _error("invalid_credentials"),
            403: _error("two_step_setup_required"),
            429: _error("rate_limited, locked"),
        },
    )
    def post(self, request):
        data = _valid(LoginSerializer, request)
        result = sign_in.sign_in(request=request, **data)
        if isinstance(result, sign_in.Challenge):
            return _challenge_answer(result)
        return _token_answer(result)


@open_during(*ALL_STAGES)
@method_decorator(never_cache, name="dispatch")
@method_decorator(
    sensitive_post_parameters("code", "backup_code", "challenge"), name="dispatch"
)
class VerifyView(OpenView):
    @extend_schema(
        operation_id="verify",
        request=VerifySerializer,
        responses={
            200: TokenSerializer,
            **_BAD_INPUT,
            400: _error(
                "invalid_request, malformed_json, challenge_invalid, invalid_code "
                "(with attempts_left for emailed codes), code_expired, code_spent, "
                "code_used, code_missing, code_format, backup_code_format, "
                "backup_code_used"
            ),
            429: _error("locked"),
        },
    )
    def post(self, request):
        data = _valid(VerifySerializer, request)
        return _token_answer(sign_in.verify(request=request, **data))


@open_during(*ALL_STAGES)
@method_decorator(never_cache, name="dispatch")
class ResendView(OpenView):
    @extend_schema(
        operation_id="resend",
        request=ChallengeSerializer,
        responses={
            200: ResendSerializer,
            **_BAD_INPUT,
            400: _error("invalid_request, malformed_json, challenge_invalid"),
            429: _error("resend_wait, too_many_codes, locked"),
        },
    )
    def post(self, request):
        data = _valid(ChallengeSerializer, request)
        wait = sign_in.resend_code(request=request, **data)
        return Response({"resend_in": wait})


@open_during(*ALL_STAGES)
@method_decorator(never_cache, name="dispatch")
class MeView(ApiView):
    @extend_schema(operation_id="me", responses={200: MeSerializer, **_NEEDS_TOKEN})
    def get(self, request):
        return Response(MeSerializer(selectors.me(request.user)).data)


@open_during(*ALL_STAGES)
class LogoutView(ApiView):
    # Signing out stays possible past a mandatory deadline.
    permission_classes = [HasToken]

    @extend_schema(
        operation_id="logout",
        request=None,
        responses={
            204: OpenApiResponse(description="The token is dead."),
            401: _error("not_authenticated, token_invalid"),
        },
    )
    def post(self, request):
        revoke_token(user=request.user, token_id=request.auth.pk, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


_DESKTOP_ONLY = {
    "request": None,
    "responses": {
        403: _error("desktop_only, two_step_setup_required"),
        401: _error("not_authenticated, token_invalid"),
    },
    "description": "Two-step verification is turned on and off in the web app only.",
}


@open_during(*ALL_STAGES)
class TwoStepView(ApiView):
    """Two-step verification cannot be changed from the app."""

    @extend_schema(operation_id="two_step_create", **_DESKTOP_ONLY)
    def post(self, request):
        raise ApiError("desktop_only", status_code=403)

    @extend_schema(operation_id="two_step_update", **_DESKTOP_ONLY)
    def put(self, request):
        raise ApiError("desktop_only", status_code=403)

    @extend_schema(operation_id="two_step_partial_update", **_DESKTOP_ONLY)
    def patch(self, request):
        raise ApiError("desktop_only", status_code=403)

    @extend_schema(operation_id="two_step_delete", **_DESKTOP_ONLY)
    def delete(self, request):
        raise ApiError("desktop_only", status_code=403)


@open_during(*ALL_STAGES)
def not_found(request, *args, **kwargs):
    """Any other address under /api/, answered in the API's own words."""
    error = ApiError("not_found", status_code=404)
    return JsonResponse(
        {"error": error.code, "detail": str(error.detail)}, status=error.status_code
    )
