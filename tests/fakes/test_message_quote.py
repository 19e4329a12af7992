"""A user's value in a policy message (`fakes.policy.errors.quote`) takes a shortcut when every
character is printable: it must read as the character-by-character escape reads, for every
single character of the Basic Multilingual Plane and for any text at random (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fakes.policy.errors import quote


def _escaped(text: str) -> str:
    """The general reading: each character kept when printable, else escaped; cut at 120."""
    shown = "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )
    return f"`{shown[:117] + '...' if len(shown) > 120 else shown}`"


def test_every_character_of_the_bmp_reads_as_escaped_one_by_one() -> None:
    for text in ("", *(chr(point) for point in range(0x10000))):
        assert quote(text) == _escaped(text), repr(text)
        assert quote(f"a{text}b") == _escaped(f"a{text}b"), repr(text)


def test_long_values_are_cut_alike() -> None:
    for text in ("x" * 119, "x" * 120, "x" * 121, "x" * 118 + "\n", "\n" * 61, "é" * 200):
        assert quote(text) == _escaped(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=150))
def test_any_text_reads_as_escaped_one_by_one(text: str) -> None:
    assert quote(text) == _escaped(text)
