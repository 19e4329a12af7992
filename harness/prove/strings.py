"""Strings for z3: literals, RAM globs as regular expressions, and letter case as a regex.

Case-insensitivity is modelled exactly, with no shadow variable: the fake compares
`casefold()`s, and casefolding maps each code point to a fixed string of one to three code points
(no context), so the names that fold to a given text form a finite, regular set. That set is
built from the inverse of the folding table: `system` -> `[sS\u017f][yY][sS\u017f][tT][eE][mM]`
(U+017F, the long s, folds to `s`; the Kelvin sign folds to `k`).
z3's characters stop at U+2FFFF; a policy literal beyond that is `Unrepresentable` (the caller
answers UNKNOWN), and no name needs such a character to pass, since every code point with a case
mapping or a decimal digit lies below it and a caseless stand-in acts the same on every operator.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeAlias

import z3

#: The largest code point z3's string theory represents (its `unicode` encoding).
CHAR_MAX = 0x2FFFF
#: Every code point whose casefold or lower case differs from itself lies below this.
_CASED_BELOW = 0x1F000
_BACKSLASH = 92

# z3 ships no type information: its terms are `Any` to mypy, named here for the reader.
StringRef: TypeAlias = Any  # z3.SeqRef over strings
ReRef: TypeAlias = Any  # z3.ReRef


class Unrepresentable(ValueError):
    """A policy literal holds a character z3's string theory cannot represent."""


def literal(text: str) -> StringRef:
    """The z3 string value of `text`, exactly (z3 reads backslashes as escapes, so not those)."""
    if any(ord(char) > CHAR_MAX for char in text):
        raise Unrepresentable(text)
    if "\\" not in text:
        return z3.StringVal(text)
    pieces: list[StringRef] = []
    for index, part in enumerate(text.split("\\")):
        if index:
            pieces.append(z3.StrFromCode(_BACKSLASH))
        if part:
            pieces.append(z3.StringVal(part))
    joined = pieces[0] if len(pieces) == 1 else z3.Concat(*pieces)
    value = z3.simplify(joined)
    assert isinstance(value, z3.SeqRef)
    return value


def any_char() -> ReRef:
    return z3.AllChar(z3.ReSort(z3.StringSort()))


def anything() -> ReRef:
    return z3.Star(any_char())


def exactly(text: str) -> ReRef:
    return z3.Re(literal(text))


def concat(parts: list[ReRef]) -> ReRef:
    if not parts:
        return z3.Re(z3.StringVal(""))
    return parts[0] if len(parts) == 1 else z3.Concat(*parts)


def union(parts: list[ReRef]) -> ReRef:
    if not parts:
        return z3.Empty(z3.ReSort(z3.StringSort()))
    return parts[0] if len(parts) == 1 else z3.Union(*parts)


@functools.cache
def glob(pattern: str) -> ReRef:
    """A RAM glob (`*` any run, `?` one character, everything else literal) as a regex."""
    parts: list[ReRef] = []
    run = ""
    for char in pattern:
        if char in "*?":
            if run:
                parts.append(exactly(run))
                run = ""
            parts.append(anything() if char == "*" else any_char())
        else:
            run += char
    if run:
        parts.append(exactly(run))
    return concat(parts)


@functools.cache
def _inverse(mapping: str) -> dict[str, tuple[str, ...]]:
    """For `casefold` or `lower`: each changed result and the code points that map to it."""
    table: dict[str, list[str]] = {}
    for point in range(_CASED_BELOW):
        char = chr(point)
        mapped: str = getattr(char, mapping)()
        if mapped != char:
            table.setdefault(mapped, []).append(char)
    return {result: tuple(chars) for result, chars in table.items()}


@functools.cache
def preimage(target: str, mapping: str = "casefold") -> ReRef:
    """Every string that `str.<mapping>()` turns into `target`, as a regex (a finite set)."""
    inverse = _inverse(mapping)
    fold: Callable[[str], str] = getattr(str, mapping)
    longest = max(len(result) for result in inverse)
    after: list[ReRef] = [z3.Re(z3.StringVal(""))]  # after[k]: the preimage of target[-k:]
    for start in range(len(target) - 1, -1, -1):
        choices: list[ReRef] = []
        for size in range(1, longest + 1):
            piece = target[start : start + size]
            if len(piece) < size:
                break
            chars = list(inverse.get(piece, ()))
            if size == 1 and fold(piece) == piece:
                chars.append(piece)
            if chars:
                rest = after[len(target) - start - size]
                choices.append(z3.Concat(union([exactly(c) for c in sorted(set(chars))]), rest))
        after.append(union(choices))
    return after[-1]


def text_of(model: z3.ModelRef, term: StringRef) -> str:
    """The Python string a model gives `term`, read code point by code point (no escapes)."""
    length = model.eval(z3.Length(term), model_completion=True)
    assert isinstance(length, z3.IntNumRef)
    codes = []
    for index in range(length.as_long()):
        code = model.eval(z3.StrToCode(z3.SubString(term, index, 1)), model_completion=True)
        assert isinstance(code, z3.IntNumRef)
        codes.append(chr(code.as_long()))
    return "".join(codes)
