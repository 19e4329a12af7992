"""Each shortcut the request path takes for the common case gives what the general reading
gives, for any input: the URL split (`urlsplit`), the SDK's Authorization header (the general
parser), the canonical query (`quote` on every value, as the SDK signs), the headers taken from
`requests` as they are (`lower_headers`), the signed-header checks and order remembered per
list, and the HMAC's keyed state copied per message (an HMAC made afresh)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from fakes.errors import ApiError
from fakes.inprocess.common import lower_headers, lowered_headers
from fakes.wire import envelope, signature, signing_rules
from fakes.wire.rpc import _split

_URL_PIECES = st.lists(
    st.sampled_from(
        [
            "http://",
            "https://",
            "HTTPS://",
            "ftp://",
            "ecs.aliyuncs.com",
            ":443",
            "[::1]",
            "user@",
            "/",
            "?",
            "#",
            "&",
            "=",
            "a",
            "%20",
            " ",
            "\t",
            "\n",
            "é",
            "\x00",
            ";",
        ]
    ),
    max_size=10,
).map("".join)


@settings(max_examples=1000)
@given(st.one_of(_URL_PIECES, st.text(max_size=40)))
def test_the_url_split_is_urlsplits(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as refused:  # urlsplit refuses it: the fast path must not have taken it
        with pytest.raises(ValueError, match=re.escape(str(refused))):
            _split(url)
        return
    assert _split(url) == (parts.scheme, parts.netloc, parts.path, parts.query)


_NAMES = st.lists(
    st.sampled_from(["host", "x-acs-date", "x-acs-action", "accept", "Host", "", "a=b", "c d"]),
    min_size=1,
    max_size=5,
).map(";".join)
_VALUES = st.one_of(
    st.sampled_from(["LTAI5tExample", "0fdf85c3", "", "a=b", "a b", "x,y"]), st.text(max_size=8)
)


@st.composite
def _authorizations(draw: st.DrawFn) -> str:
    algorithm = draw(st.sampled_from(["ACS3-HMAC-SHA256", "ACS3-HMAC-SM3", "ACS3-RSA-SHA256"]))
    parts = [
        f"Credential={draw(_VALUES)}",
        f"SignedHeaders={draw(_NAMES)}",
        f"Signature={draw(_VALUES)}",
    ]
    if draw(st.booleans()):
        parts = draw(st.permutations(parts))
    separator = draw(st.sampled_from([",", ", ", " ,"]))
    return draw(st.sampled_from(["", " "])) + f"{algorithm} " + separator.join(parts)


@settings(max_examples=1000)
@given(st.one_of(_authorizations(), st.text(max_size=60)))
def test_the_sdks_authorization_header_reads_as_the_general_parser_reads_it(header: str) -> None:
    def read(parse: Callable[[str], signature.V3Authorization]) -> object:
        try:
            return parse(header)
        except signature.MalformedAuthorization as refused:  # the same refusal, word for word
            return type(refused), str(refused)

    assert read(signature.parse_v3_authorization) == read(signature.read_v3_authorization)


def test_the_sdks_own_header_is_read_once_but_for_its_signature() -> None:
    head = "ACS3-HMAC-SHA256 Credential=LTAI5tExample,SignedHeaders=host;x-acs-date"
    before = signature._head.cache_info().hits
    for sig in ("0fdf85c3", "1cac5e3c", "0fdf85c3"):
        assert signature.parse_v3_authorization(f"{head},Signature={sig}") == (
            signature.V3Authorization(
                "ACS3-HMAC-SHA256", "LTAI5tExample", ("host", "x-acs-date"), sig
            )
        )
    assert signature._head.cache_info().hits >= before + 2


@settings(max_examples=1000)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["RegionId", "InstanceId.1", "Name", "Tag.1.Key"]),
            st.one_of(
                st.sampled_from(["cn-hangzhou", "i-abc", "a b", "a*b", "~x", "中", "a&b=c"]),
                st.text(max_size=6),
            ),
        ),
        max_size=6,
    )
)
def test_the_canonical_query_encodes_each_value_as_the_sdk_does(
    query: list[tuple[str, str]],
) -> None:
    # alibabacloud_openapi_util get_canonical_query_string: sorted keys, quote(value, safe="~")
    expected = "&".join(f"{k}={quote(v, safe='~', encoding='utf-8')}" for k, v in sorted(query))
    assert signature.canonical_query(query) == expected


def test_the_empty_bodys_hash_is_each_algorithms_own() -> None:
    for algorithm, hash_ in signature.V3_HASHES.items():
        assert signature.payload_hash(algorithm, b"") == hash_(b"").hexdigest()
        assert signature.payload_hash(algorithm, b"x") == hash_(b"x").hexdigest()


@given(
    st.dictionaries(
        st.sampled_from(["Host", "x-acs-date", "X-Acs-Action", "accept", "content-length"]),
        st.one_of(st.text(max_size=5), st.binary(max_size=5), st.integers()),
        max_size=5,
    )
)
def test_headers_from_requests_are_taken_as_lower_headers_takes_them(
    sent: dict[str, object],
) -> None:
    headers = CaseInsensitiveDict(sent)
    assert lowered_headers(headers.lower_items()) == lower_headers(headers.items())


def test_a_malformed_signed_headers_list_is_refused_every_time() -> None:
    """The checks of `SignedHeaders` are remembered only for a list that passes them."""
    headers = {"host": "h", "x-acs-date": "d"}
    for _ in range(3):
        with pytest.raises(ApiError, match="lower case"):
            signing_rules.check_v3_headers(headers, ("Host", "x-acs-date"), has_body=False)
        with pytest.raises(ApiError, match="twice"):
            signing_rules.check_v3_headers(headers, ("host", "host"), has_body=False)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=6), _JSON, max_size=4))
def test_bodies_are_written_as_json_dumps_writes_them(data: dict[str, object]) -> None:
    assert envelope.encode(data) == json.dumps(data)
    body = envelope.success("REQUEST-ID", data).body
    assert body == json.dumps({"RequestId": "REQUEST-ID", **data}).encode("utf-8")


@pytest.mark.parametrize(
    "changed",
    [
        lambda *args: (_ for _ in ()).throw(TypeError("takes 8 arguments")),
        lambda *args: lambda value, level: ["{}"],  # writes something else
    ],
    ids=["signature-changed", "output-changed"],
)
def test_a_changed_c_encoder_gives_way_to_json_dumps(monkeypatch, changed):
    """The made encoder rests on an undocumented CPython detail: if it changes, the bodies
    are still json.dumps's."""
    monkeypatch.setattr(json.encoder, "c_make_encoder", changed)
    assert envelope._encoder() is json.dumps


def test_the_encoders_sample_is_what_json_dumps_writes():
    assert json.dumps(envelope._SAMPLE) == envelope._SAMPLE_WRITTEN
    assert envelope.encode is not json.dumps  # on CPython the made encoder serves


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["secret-a", "secret-b", "secret-A"]) | st.text(max_size=80),
            st.sampled_from(["ACS3-HMAC-SHA256", "ACS3-HMAC-SM3"]),
            st.text(max_size=200),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_signature_is_the_one_shot_hmac_whichever_keys_signed_before(
    signings: list[tuple[str, str, str]],
) -> None:
    """The keyed HMAC state copied per message gives what an HMAC made afresh gives, for any
    secret, after any other secrets (or the same one, or one a letter apart) signed before: a
    state kept for the wrong key, or fed a message before, would give another signature."""
    for secret, algorithm, rest in signings:
        to_sign = f"{algorithm}\n{rest}"
        key, message = secret.encode("utf-8"), to_sign.encode("utf-8")
        fresh = hmac.new(key, message, signature.V3_HASHES[algorithm]).hexdigest()
        assert signature.v3_signature(secret, to_sign) == fresh
        if algorithm == "ACS3-HMAC-SHA256":
            assert fresh == hmac.digest(key, message, "sha256").hex()


def _string_to_sign_in_full(
    query: list[tuple[str, str]], headers: dict[str, str], signed: tuple[str, ...]
) -> str:
    """The V3 string to sign as the reference writes it out, the header names sorted and
    listed anew for every request."""
    names = sorted(signed)
    canonical_headers = "".join(f"{n}:{headers.get(n, '').strip()}\n" for n in names)
    request = "\n".join(
        ("POST", "/", signature.canonical_query(query), canonical_headers, ";".join(names), "e3b0")
    )
    return f"ACS3-HMAC-SHA256\n{hashlib.sha256(request.encode()).hexdigest()}"


_HEADER_NAMES = st.sampled_from(["host", "x-acs-date", "x-acs-action", "accept", "a", "b", ""])


@settings(max_examples=300)
@given(
    st.lists(st.tuples(st.lists(_HEADER_NAMES, max_size=6).map(tuple), _VALUES), max_size=6),
    st.dictionaries(_HEADER_NAMES, _VALUES, max_size=6),
)
def test_the_signed_header_order_remembered_per_list_is_the_one_written_out(
    signings: list[tuple[tuple[str, ...], str]], headers: dict[str, str]
) -> None:
    """Lists of signed headers one after another (the same list again, one a name apart, the
    same names in another order) each sign as the list written out anew would."""
    for signed, value in signings:
        query = [("RegionId", value)]
        expected = _string_to_sign_in_full(query, headers, signed)
        assert signature.v3_string_to_sign("POST", "/", query, headers, signed, "e3b0") == expected
