"""The one error the policy engine raises, and the helpers that keep its messages one line."""

from __future__ import annotations

from collections.abc import Mapping


class PolicyError(ValueError):
    """A malformed policy document, rejected before it can ever be evaluated.

    ``str(e)`` is one line in cedar style (lower case, no final period, the user's value in
    backticks, context joined by colons) so a fake ``CreatePolicy`` can put it straight into a
    ``MalformedPolicyDocument`` message.
    """

    statement: int | None
    reason: str

    def __init__(self, reason: str, statement: int | None = None) -> None:
        self.reason = reason
        self.statement = statement
        super().__init__(f"statement {statement}: {reason}" if statement is not None else reason)


def json_kind(value: object) -> str:
    """Name a JSON value's type the way an error message should ("a list", "a number")."""
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a `{type(value).__name__}`"


_LONGEST = 120


def quote(text: str) -> str:
    """A user's value in backticks, escaped onto one line and cut short enough to read."""
    shown = (
        text  # every character printable (most values): each would be kept as it is
        if text.isprintable()
        else "".join(
            char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
            for char in text
        )
    )
    if len(shown) > _LONGEST:
        shown = shown[: _LONGEST - 3] + "..."
    return f"`{shown}`"


def quoted_list(values: tuple[str, ...]) -> str:
    """`a`, `b`, `c`: how messages show several values."""
    return ", ".join(quote(value) for value in values)
