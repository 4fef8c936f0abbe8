import json

from rest_framework.parsers import JSONParser

from api.errors import ApiError

# Every request body of the API is a handful of short fields.
MAX_BODY_BYTES = 16 * 1024


class JSONBodyParser(JSONParser):
    """JSON only, at most `MAX_BODY_BYTES`, and always an object."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BODY_BYTES:
            raise ApiError("body_too_large", status_code=413)
        # A few kilobytes of nested brackets exhaust the parser's recursion.
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ApiError("malformed_json") from None
        if not isinstance(data, dict):
            raise ApiError("malformed_json")
        return data


def _no_constants(name):
    raise ValueError(f"{name} is not JSON")
