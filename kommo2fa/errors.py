"""Refusals a person reads, each keyed by a code that tests assert on."""

import re

# "{attempts_left|try:tries}" picks the word by the number attempts_left.
_PLURAL = re.compile(r"\{(\w+)\|(\w+):(\w+)\}")


class KeyedError(Exception):
    """A refusal: its key, its parameters and the sentence they make.

    Subclasses set `messages`, one table of every sentence of an area, in
    `str.format` style, with "{name|one:many}" for a word that follows a
    number.
    """

    messages: dict[str, str] = {}

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(self.render(code, **params))

    @property
    def message(self) -> str:
        return str(self)

    @classmethod
    def render(cls, code: str, **params) -> str:
        def pick(match):
            name, one, many = match.groups()
            return one if params.get(name) == 1 else many

        return _PLURAL.sub(pick, cls.messages[code]).format(**params)
