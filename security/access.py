"""Which views a session may reach before its sign-in is complete.

A signed-in session can be held at a stage: waiting for the second step,
or made to set up two-step verification. At a stage, the middleware lets a
request through only to views marked open for that stage; everything else,
including views added later, is closed by default.
"""

from enum import StrEnum


class Stage(StrEnum):
    SECOND_STEP = "second_step"
    SETUP = "setup"


ALL_STAGES = frozenset(Stage)


def open_during(*stages):
    """Mark a view (function or class) as reachable at the given stages."""
    allowed = frozenset(stages) or ALL_STAGES

    def mark(view):
        view.open_during_stages = allowed
        return view

    return mark


def is_open_during(view, stage) -> bool:
    view_class = getattr(view, "view_class", None)
    allowed = getattr(view, "open_during_stages", None) or getattr(
        view_class, "open_during_stages", frozenset()
    )
    return stage in allowed
