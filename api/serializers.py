"""The shapes the API reads and writes; also its OpenAPI description."""

from rest_framework import serializers


class TextField(serializers.CharField):
    """A string and nothing else: numbers and booleans are refused."""

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSerializer(serializers.Serializer):
    """Fields not listed here are refused, so that typos never pass silently."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field."] for name in unknown}
                )
        return super().to_internal_value(data)


class LoginSerializer(StrictSerializer):
    email = TextField(max_length=254)
    password = TextField(max_length=4096, trim_whitespace=False)
    device_name = TextField(max_length=100)


class VerifySerializer(StrictSerializer):
    """Exactly one of `code` (from the email) or `backup_code`; no other field."""

    challenge = TextField(max_length=200)
    code = TextField(max_length=20, required=False)
    backup_code = TextField(max_length=40, required=False)

    def validate(self, attrs):
        if ("code" in attrs) == ("backup_code" in attrs):
            raise serializers.ValidationError(
                {"code": ["Send exactly one of `code` and `backup_code`."]}
            )
        return attrs


class ChallengeSerializer(StrictSerializer):
    challenge = TextField(max_length=200)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["Bearer"])


class TwoStepRequiredSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["two_step_required"])
    challenge = serializers.CharField()
    email_hint = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the challenge lives.")
    code_sent = serializers.BooleanField(
        help_text=(
            "False when the limits on codes held the email back: offer the "
            "backup code, or resend after `retry_after` while the challenge lives."
        )
    )
    reason = serializers.ChoiceField(
        choices=["too_many_codes", "resend_wait"],
        required=False,
        help_text="Why no code was sent; only when `code_sent` is false.",
    )
    detail = serializers.CharField(
        required=False, help_text="The same, as a sentence for a person."
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="Seconds until a code can be sent."
    )


class ResendSerializer(serializers.Serializer):
    resend_in = serializers.IntegerField(
        help_text="Seconds until another code may be asked for."
    )


class WorkspaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=["admin", "member"])


class TwoStepStateSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    enabled_at = serializers.DateTimeField(allow_null=True)
    backup_codes_left = serializers.IntegerField()
    required_by = serializers.DateTimeField(
        allow_null=True,
        help_text="The earliest deadline of a workspace that makes it mandatory.",
    )


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(allow_blank=True)
    workspaces = WorkspaceSerializer(many=True)
    two_step = TwoStepStateSerializer()


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="A stable key for the program.")
    detail = serializers.CharField(help_text="A sentence for a person.")
    retry_after = serializers.IntegerField(
        required=False, help_text="Seconds to wait; also in `Retry-After`."
    )
    attempts_left = serializers.IntegerField(required=False)
    method = serializers.CharField(
        required=False, help_text="The HTTP method refused, for `method_not_allowed`."
    )

    def get_fields(self):
        # `fields` cannot be declared as an attribute: serializers own that name.
        declared = super().get_fields()
        declared["fields"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="What is wrong with each field, for `invalid_request`.",
        )
        return declared
