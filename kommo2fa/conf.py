"""Per-app settings: a frozen dataclass of typed defaults, read lazily."""

from dataclasses import fields

from django.conf import settings


def read_app_settings(defaults, setting_name):
    """`defaults` (a dataclass) updated from the `setting_name` dict, if any.

    Read at call time, never at import, so tests can override the setting;
    a name the dataclass does not know is refused rather than ignored.
    """
    overrides = getattr(settings, setting_name, {})
    unknown = set(overrides) - {field.name for field in fields(defaults)}
    if unknown:
        raise ValueError(
            f"Unknown {setting_name} settings: {', '.join(sorted(unknown))}"
        )
    return defaults(**overrides)
