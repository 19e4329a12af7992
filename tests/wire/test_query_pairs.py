"""The RPC parser reads a query string or form body exactly as `parse_qsl` does with
`keep_blank_values=True, strict_parsing=True`, refusing the same malformed ones."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakes.errors import ApiError
from fakes.wire.rpc import _pairs

_PIECES = st.lists(
    st.sampled_from(
        ["a", "B", "=", "&", "+", "%", "%2", "%20", "%E4%B8%AD", "%ZZ", "%ff", " ", "~"]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=3000)
@given(st.one_of(_PIECES, st.text(max_size=30)))
def test_pairs_are_parse_qsl_strict(raw: str) -> None:
    try:
        expected = parse_qsl(raw, keep_blank_values=True, strict_parsing=bool(raw))
    except ValueError:
        with pytest.raises(ApiError) as refused:
            _pairs(raw, "query string")
        assert refused.value.code == "InvalidParameter"
    else:
        assert _pairs(raw, "query string") == expected
