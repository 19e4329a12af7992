"""Exhaustive tables for the wire's properties: every short string made of the pieces a parser
tells apart, where random draws would reach only some of them."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import TypeVar

from hypothesis import strategies as st

T = TypeVar("T")


def strings_of(pieces: tuple[str, ...], most: int) -> set[str]:
    """Every string of up to `most` of `pieces`, each piece any number of times, in any order
    (the empty string among them)."""
    return {"".join(p) for n in range(most + 1) for p in itertools.product(pieces, repeat=n)}


def read_otherwise(
    inputs: Iterable[T], shortcut: Callable[[T], object], general: Callable[[T], object]
) -> list[T]:
    """The inputs the shortcut reads otherwise than the general reading does (what each gives,
    a refusal included), in order: the first few name a failure."""
    return [given for given in inputs if shortcut(given) != general(given)]


def past_the_table(
    pieces: tuple[str, ...], most: int, *, longest: int, text: int
) -> st.SearchStrategy[str]:
    """For Hypothesis, what a table of up to `most` pieces leaves: strings of `most + 1` to
    `longest` of `pieces`, and any text of up to `text` characters."""
    joined = st.lists(st.sampled_from(pieces), min_size=most + 1, max_size=longest).map("".join)
    return st.one_of(joined, st.text(max_size=text))
