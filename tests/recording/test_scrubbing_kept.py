"""A scrubber keeps what each request became, and a kept answer is the one scrubbing afresh
gives: for requests as the SDK sends them (signed, with secrets), asked again and again as vcrpy
does, after the account id is learnt, and for a request changed in place."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from hypothesis import given, settings
from hypothesis import strategies as st
from vcr.request import Request  # type: ignore[import-untyped]

from harness.recording.scrub import Scrubber

ACCOUNT_ID = "1234567890123456"
KEY_ID = "LTAI" + "0" * 20  # a made-up id of an AccessKey's shape, no real key

_PAIRS = st.lists(
    st.tuples(
        st.sampled_from(
            ["Username", "Value", "Signature", "SignatureNonce", "AccessKeyId", "RoleArn", "Name"]
        ),
        st.sampled_from(
            ["user01", "root", "", KEY_ID, f"acs:ram::{ACCOUNT_ID}:role/r", "Pw-secret", "a b"]
        ),
    ),
    max_size=6,
)
_HEADERS = st.dictionaries(
    st.sampled_from(["x-acs-action", "Authorization", "x-acs-signature-nonce", "Host"]),
    st.sampled_from(["RunCommand", f"ACS3-HMAC-SHA256 Credential={KEY_ID}", "n", "h"]),
)
_BODIES = st.one_of(
    st.none(),
    _PAIRS.map(lambda pairs: urlencode(pairs).encode()),
    st.just(f'{{"AccessKeyId": "{KEY_ID}"}}'.encode()),
)


@st.composite
def requests(draw: st.DrawFn) -> Any:
    uri = "http://127.0.0.1:8080/?" + urlencode(draw(_PAIRS))
    return Request("POST", uri, draw(_BODIES), draw(_HEADERS))


def copy(request: Any) -> Any:
    return Request(request.method, request.uri, request.body, dict(request.headers))


def seen(request: Any) -> tuple[str, str, Any, dict[str, str]]:
    return request.method, request.uri, request.body, dict(request.headers)


@settings(max_examples=200, deadline=None)
@given(st.lists(requests(), min_size=1, max_size=4), st.booleans())
def test_a_request_asked_again_is_scrubbed_as_afresh(asked: list[Any], knows_account: bool) -> None:
    """One scrubber asked each request four times, as vcrpy does, against a scrubber that
    never saw them (a new one per request, with the AccessKey ids numbered as far as the first
    got): the same URL, body and headers every time."""
    kept = Scrubber(ACCOUNT_ID if knows_account else None)
    for request in asked:
        first = seen(kept.request(copy(request)))
        fresh = Scrubber(kept.account_id)
        fresh._key_ids = dict(kept._key_ids)  # the numbering the first scrubbing made
        assert seen(fresh.request(copy(request))) == first
        for _ in range(3):
            assert seen(kept.request(copy(request))) == first


def test_a_request_scrubbed_before_the_account_id_was_learnt_is_scrubbed_again_after() -> None:
    scrubber = Scrubber()
    request = Request("POST", f"http://h/?RoleArn=acs:ram::{ACCOUNT_ID}:role/r", None, {})
    assert ACCOUNT_ID in scrubber.request(copy(request)).uri
    scrubber.account_id = ACCOUNT_ID
    assert ACCOUNT_ID not in scrubber.request(copy(request)).uri


@settings(max_examples=100, deadline=None)
@given(requests(), requests())
def test_a_request_changed_in_place_is_scrubbed_as_what_it_became(one: Any, other: Any) -> None:
    kept, fresh = Scrubber(ACCOUNT_ID), Scrubber(ACCOUNT_ID)
    probe = copy(one)
    kept.request(copy(one))
    fresh.request(copy(one))
    probe.uri, probe.body, probe.headers = other.uri, other.body, dict(other.headers)
    assert seen(kept.request(probe)) == seen(fresh.request(copy(other)))


def test_secrets_and_signatures_are_gone_from_a_request_asked_twice() -> None:
    scrubber = Scrubber(ACCOUNT_ID)
    request = Request(
        "POST",
        f"http://h/?Name=p&Value=Pw-secret&Signature=abc&AccessKeyId={KEY_ID}",
        None,
        {"Authorization": f"ACS3-HMAC-SHA256 Credential={KEY_ID}", "x-acs-action": "X"},
    )
    for _ in range(2):
        scrubbed = scrubber.request(copy(request))
        assert "Pw-secret" not in scrubbed.uri
        assert "Signature" not in scrubbed.uri
        assert KEY_ID not in scrubbed.uri
        assert dict(scrubbed.headers) == {"x-acs-action": "X"}


def test_a_body_sent_as_a_file_an_iterator_or_a_bytearray_is_scrubbed_as_bytes_are() -> None:
    form = urlencode(
        [("Name", "p"), ("Value", "Pw-secret"), ("Signature", "abc"), ("AccessKeyId", KEY_ID)]
    ).encode()
    expected = Scrubber(ACCOUNT_ID).request(Request("POST", "http://h/", form, {})).body
    assert isinstance(expected, bytes)
    assert b"Pw-secret" not in expected
    assert KEY_ID.encode() not in expected
    for body in (io.BytesIO(form), iter([form[:10], form[10:].decode()]), bytearray(form)):
        scrubbed = Scrubber(ACCOUNT_ID).request(Request("POST", "http://h/", body, {}))
        assert scrubbed.body == expected, type(body)
