"""A real glob matcher for RAM patterns: `*` is any run of characters, `?` exactly one.

Every other character is literal (unlike fnmatch, `[` is not special), and nothing is turned into
a regex. A pattern is analysed once; the common shapes (`*`, a literal, `prefix*`) match with a
single string operation.
"""

from __future__ import annotations

from typing import Final

_ANY: Final = 0
_LITERAL: Final = 1
_PREFIX: Final = 2
_GENERAL: Final = 3


def _matches_at(part: str, text: str, start: int) -> bool:
    """Whether `part` (literal characters and `?`) matches `text` at `start`."""
    if start + len(part) > len(text):
        return False
    for offset, char in enumerate(part):
        if char != "?" and text[start + offset] != char:
            return False
    return True


def _find(part: str, text: str, start: int, end: int) -> int:
    """Leftmost index >= `start` where `part` matches and ends by `end`, or -1."""
    if "?" not in part:
        return text.find(part, start, end)
    for index in range(start, end - len(part) + 1):
        if _matches_at(part, text, index):
            return index
    return -1


class Glob:
    """A compiled `*`/`?` pattern; matching is case-sensitive (callers fold case themselves)."""

    __slots__ = ("_head", "_kind", "_middle", "_min_length", "_star", "_tail", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        parts = pattern.split("*")
        self._star = len(parts) > 1
        self._head = parts[0]
        self._tail = parts[-1] if len(parts) > 1 else ""
        self._middle = tuple(part for part in parts[1:-1] if part)
        self._min_length = len(pattern) - pattern.count("*")
        if pattern and not pattern.strip("*"):
            self._kind = _ANY
        elif len(parts) == 1 and "?" not in pattern:
            self._kind = _LITERAL
        elif len(parts) == 2 and not self._tail and "?" not in pattern:
            self._kind = _PREFIX
        else:
            self._kind = _GENERAL

    @property
    def is_literal(self) -> bool:
        """True when the pattern has no wildcard, so plain equality decides a match."""
        return self._kind == _LITERAL

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Glob) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def matches(self, text: str) -> bool:
        """Whether the whole of `text` matches the pattern."""
        kind = self._kind
        if kind == _ANY:
            return True
        if kind == _LITERAL:
            return text == self.pattern
        if kind == _PREFIX:
            return text.startswith(self._head)
        return self._matches_general(text)

    def _matches_general(self, text: str) -> bool:
        if len(text) < self._min_length:
            return False
        head = self._head
        if not _matches_at(head, text, 0):
            return False
        if not self._star:
            return len(text) == len(head)  # only `?` wildcards: the length must be exact
        end = len(text) - len(self._tail)
        if not _matches_at(self._tail, text, end):
            return False
        position = len(head)
        # Leftmost placement of each `*`-separated part leaves the most room for the rest, so
        # greedy search is exact here (no backtracking needed).
        for part in self._middle:
            found = _find(part, text, position, end)
            if found < 0:
                return False
            position = found + len(part)
        return True
