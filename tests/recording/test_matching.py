"""Replay matching kept per request content decides exactly as reading every request afresh:
for every pair of requests of each committed cassette, for generated requests, and for a
request changed in place after it was matched once."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import vcr  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st
from vcr.request import Request  # type: ignore[import-untyped]

from harness.recording import cassettes
from harness.recording.cassettes import UNMATCHED, same_call

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = sorted((ROOT / "features" / "cassettes").rglob("*.yaml"))


def plain_same_call(r1: Any, r2: Any) -> None:
    """The matcher as it was before its answers were kept: both requests read afresh."""
    first, second = _plain_call_of(r1), _plain_call_of(r2)
    if first != second:
        raise AssertionError(plain_message(first, second))


def plain_message(first: tuple[Any, ...], second: tuple[Any, ...]) -> str:
    return f"{first[2]} {first[3]} is not {second[2]} {second[3]}"


def _plain_call_of(request: Any) -> tuple[str, str, str, list[tuple[str, str]]]:
    query = parse_qsl(request.parsed_uri.query, keep_blank_values=True)
    body = request.body
    if isinstance(body, bytes) and body and b"{" not in body:
        query += parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    headers = {k.lower(): v for k, v in request.headers.items()}
    named = dict(query)
    version = headers.get("x-acs-version") or named.get("Version", "")
    action = headers.get("x-acs-action") or named.get("Action", "")
    meaningful = sorted(
        (k, v) for k, v in query if k not in UNMATCHED and k not in ("Action", "Version")
    )
    return request.method, version, action, meaningful


def decision(matcher: Any, r1: Any, r2: Any) -> str | None:
    """None when `matcher` matches the two requests, else its message."""
    try:
        matcher(r1, r2)
    except AssertionError as mismatch:
        return str(mismatch)
    return None


def recorded_requests(path: Path) -> list[Any]:
    """The requests of a cassette as vcrpy loads them for a replay (scrubbed again on load)."""
    recorder = vcr.VCR(
        record_mode="none",
        serializer="runas",
        before_record_request=cassettes.Scrubber().request,
    )
    recorder.register_serializer("runas", cassettes._Format({}))
    with recorder.use_cassette(str(path)) as cassette:
        return list(cassette.requests)


def test_the_committed_cassettes_are_there_to_compare() -> None:
    assert len(COMMITTED) > 100


def test_each_committed_request_is_matched_as_before_against_each_of_its_cassette() -> None:
    pairs = 0
    for path in COMMITTED:
        requests = recorded_requests(path)
        assert requests, f"{path} holds no request"
        # the plain matcher reads both requests afresh: its decision is the one of their calls
        plain = [_plain_call_of(request) for request in requests]
        for one, first in zip(requests, plain, strict=True):
            for other, second in zip(requests, plain, strict=True):
                expected = None if first == second else plain_message(first, second)
                assert decision(same_call, one, other) == expected, (path, one, other)
                pairs += 1
    assert pairs > 10 * len(COMMITTED)


_KEYS = st.sampled_from(
    ["InstanceId.1", "Username", "CommandContent", "ClientToken", "Signature", "Action",
     "Version", "RegionId", "Timestamp", "Name", "Value"]
)  # fmt: skip
_VALUES = st.sampled_from(["", "i-1", "user01", "root", "a b", "%", "=", "2014-05-26", "{"])
_PAIRS = st.lists(st.tuples(_KEYS, _VALUES), max_size=6)
_HEADER_NAMES = st.sampled_from(["x-acs-action", "X-Acs-Action", "x-acs-version", "Host"])
_HEADERS = st.dictionaries(_HEADER_NAMES, st.sampled_from(["RunCommand", "2014-05-26", "h"]))
_BODIES = st.one_of(
    st.none(),
    _PAIRS.map(lambda pairs: urlencode(pairs).encode()),
    st.just(b'{"Username": "root"}'),
)


@st.composite
def requests(draw: st.DrawFn) -> Any:
    method = draw(st.sampled_from(["POST", "GET"]))
    uri = "http://127.0.0.1:8080/?" + urlencode(draw(_PAIRS))
    return Request(method, uri, draw(_BODIES), draw(_HEADERS))


@settings(max_examples=300, deadline=None)
@given(requests(), requests())
def test_generated_requests_are_matched_as_before(one: Any, other: Any) -> None:
    for first, second in ((one, other), (other, one), (one, one)):
        assert decision(same_call, first, second) == decision(plain_same_call, first, second)


@settings(max_examples=100, deadline=None)
@given(requests(), requests())
def test_a_request_changed_in_place_is_read_afresh(one: Any, other: Any) -> None:
    """The same object, matched once, then given another request's URL, body and headers:
    it is matched as the request it has become."""
    probe = Request(one.method, one.uri, one.body, dict(one.headers))
    assert decision(same_call, probe, one) is None
    probe.method, probe.uri, probe.body = other.method, other.uri, other.body
    probe.headers = dict(other.headers)
    assert decision(same_call, probe, other) is None
    assert decision(same_call, probe, one) == decision(plain_same_call, other, one)


def test_a_mismatch_names_both_calls() -> None:
    headers = {"x-acs-action": "RunCommand", "x-acs-version": "2014-05-26"}
    user = Request("POST", "http://h/?Username=user01&InstanceId.1=i-1", None, headers)
    root = Request("POST", "http://h/?Username=root&InstanceId.1=i-1", None, headers)
    assert decision(same_call, user, root) == (
        "RunCommand [('InstanceId.1', 'i-1'), ('Username', 'user01')] is not "
        "RunCommand [('InstanceId.1', 'i-1'), ('Username', 'root')]"
    )
