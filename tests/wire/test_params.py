"""`Params.sends(name)`: whether a parameter or anything under it was sent, exactly as a scan
of every name for `name` or `name.` would say."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fakes.wire.rpc import Params

_SEGMENTS = st.sampled_from(["Tag", "Tags", "Tag.1", "1", "Key", "", "ResourceTag", "T"])
_NAMES = st.lists(_SEGMENTS, min_size=1, max_size=3).map(".".join)


def _scan(params: Params, name: str) -> bool:
    return any(key == name or key.startswith(name + ".") for key in params)


@given(st.lists(_NAMES, max_size=6), st.lists(_NAMES, min_size=1, max_size=6))
def test_sends_answers_as_a_scan_of_every_name_does(sent: list[str], asked: list[str]) -> None:
    for params in (Params(dict.fromkeys(sent, "v")), Params.adopt(dict.fromkeys(sent, "v"))):
        assert [params.sends(name) for name in asked] == [_scan(params, name) for name in asked]


def test_a_list_or_a_structure_counts_as_sending_its_parameter() -> None:
    params = Params({"Tag.1.Key": "env", "RegionId": "cn-hangzhou"})
    assert params.sends("Tag")
    assert params.sends("Tag.1")
    assert params.sends("RegionId")
    assert not params.sends("Ta")
    assert not params.sends("Tag.2")
