"""The RPC parser reads a query string or form body exactly as `parse_qsl` does with
`keep_blank_values=True, strict_parsing=True`, refusing the same malformed ones: every short
string of the pieces that matter to it, exhaustively, and longer ones and any text at random."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qsl

from hypothesis import given, settings

from fakes.errors import ApiError
from fakes.wire.rpc import _pairs

from ._tables import past_the_table, read_otherwise, strings_of

#: What the parser tells apart: the separators, a plus, escapes (whole, cut short, not hex,
#: not UTF-8, a multi-byte character's), plain letters, a blank and an unreserved mark.
PIECES = ("a", "B", "=", "&", "+", "%", "%2", "%20", "%E4%B8%AD", "%ZZ", "%ff", " ", "~")
#: And what it must read as plain text: escaped separators and plus, a multi-byte character
#: cut short, raw non-ASCII, a NUL, and `;` (a separator to parse_qsl once, no longer).
MORE = ("%3D", "%26", "%2b", "%e4%b8", "中", "\x00", ";")

REFUSED = "refused"


def _as_parse_qsl(raw: str) -> object:
    try:
        return parse_qsl(raw, keep_blank_values=True, strict_parsing=bool(raw))
    except ValueError:
        return REFUSED


def _as_the_fake(raw: str) -> object:
    try:
        return _pairs(raw, "query string")
    except ApiError as refused:
        if refused.code != "InvalidParameter":
            raise
        return REFUSED


def test_every_short_string_of_the_pieces_is_read_as_parse_qsl_reads_it() -> None:
    """Exhaustively: every string of up to four of PIECES, and of up to three of PIECES and
    MORE (some 37,000 strings: each separator, escape and value beside each other, in each
    order)."""
    short = strings_of(PIECES, 4) | strings_of(PIECES + MORE, 3)
    assert len(short) > 36_000
    wrong = read_otherwise(sorted(short), _as_the_fake, _as_parse_qsl)
    assert not wrong, wrong[:20]


#: Pairs as a request sends them, part by part (found by review: two pairs with escapes are
#: five pieces or more, past the flat table): keys and values, each pair with or without `=`.
KEYS = ("a", "B", "", "%20", "%E4%B8%AD", "%ZZ", "%2", "+", "中", "a%3Db")
VALUES = ("", "b", "+", "%", "%ZZ", "%ff", "%e4%b8", "a b", "~", "%26", "=")
FEW_KEYS = ("a", "", "%ZZ", "+", "中")
FEW_VALUES = ("", "b", "%2", "%20", "=")


def _pairs_of(keys: tuple[str, ...], values: tuple[str, ...]) -> list[str]:
    return [k + "=" + v for k in keys for v in values] + list(keys)


def test_every_string_of_two_or_three_pairs_is_read_as_parse_qsl_reads_it() -> None:
    """Exhaustively: every two pairs of KEYS and VALUES, and every three of the FEW ones
    (41,400 strings)."""
    two, few = _pairs_of(KEYS, VALUES), _pairs_of(FEW_KEYS, FEW_VALUES)
    strings = {"&".join(p) for p in itertools.product(two, repeat=2)}
    strings |= {"&".join(p) for p in itertools.product(few, repeat=3)}
    assert len(strings) == 41_400
    wrong = read_otherwise(sorted(strings), _as_the_fake, _as_parse_qsl)
    assert not wrong, wrong[:20]


@settings(max_examples=300)
@given(past_the_table(PIECES + MORE, 4, longest=12, text=30))
def test_longer_strings_and_any_text_are_read_as_parse_qsl_reads_them(raw: str) -> None:
    """Past the exhaustive table: five to twelve pieces, and any text."""
    assert _as_the_fake(raw) == _as_parse_qsl(raw)
