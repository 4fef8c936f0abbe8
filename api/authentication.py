from rest_framework.authentication import BaseAuthentication, get_authorization_header

from api.errors import ApiError
from api.tokens import TOKEN_TYPE, find_token, touch_token


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`, the only way the API knows a user."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts:
            return None
        if len(parts) != 2 or parts[0].decode("latin-1").lower() != "bearer":
            raise ApiError("token_invalid", status_code=401)
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise ApiError("token_invalid", status_code=401) from None
        token = find_token(raw)
        if token is None or not token.user.is_active:
            raise ApiError("token_invalid", status_code=401)
        touch_token(token)
        return token.user, token

    def authenticate_header(self, request):
        return f'{TOKEN_TYPE} realm="api"'
