"""Checks on text that people type and other people later read in emails."""

import unicodedata

from django.core.exceptions import ValidationError

from workspace.errors import render

# Control characters, and the Unicode line and paragraph separators, would
# start new lines in the plain-text emails that quote a name.
_REFUSED_CATEGORIES = {"Cc", "Zl", "Zp"}


def validate_one_line_name(value) -> None:
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in value):
        raise ValidationError(
            render("name_control_characters"), code="name_control_characters"
        )
