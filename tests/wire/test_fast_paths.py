"""Each shortcut the request path takes for the common case gives what the general reading
gives, for any input: the URL split (`urlsplit`), the SDK's Authorization header (the general
parser), the canonical query (`quote` on every value, as the SDK signs), the headers taken from
`requests` as they are (`lower_headers`), the signed-header checks and order remembered per list,
and the HMAC's keyed state copied per message (an HMAC made afresh). Each is checked on a table of
every short input made of what the shortcut tells apart, exhaustively, and past the table on
longer inputs and any text, at random (Hypothesis)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections.abc import Callable, Iterator
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from requests.structures import CaseInsensitiveDict

from fakes.errors import ApiError
from fakes.inprocess.common import lower_headers, lowered_headers
from fakes.wire import envelope, signature, signing_rules
from fakes.wire.rpc import _split

from ._tables import past_the_table, read_otherwise, strings_of

#: What the URL split tells apart: schemes (in either case, and one it does not take), a host,
#: a port, an IPv6 literal, user info, the separators, escapes, blanks, non-ASCII and a NUL.
URL_PIECES = (
    "http://", "https://", "HTTPS://", "ftp://", "ecs.aliyuncs.com", ":443", "[::1]", "user@",
    "/", "?", "#", "&", "=", "a", "%20", " ", "\t", "\n", "é", "\x00", ";",
)  # fmt: skip
#: And what `urlsplit` strips or refuses that a regex's `\s` may not mean alike: a carriage
#: return, a C0 control, a no-break space, a line separator, a lone bracket.
MORE_URL_PIECES = ("\r", "\x1f", "\xa0", "\u2028", "[", "]")


def _as_urlsplit(url: str) -> object:
    try:
        parts = urlsplit(url)
    except ValueError as refused:
        return ValueError, str(refused)
    return parts.scheme, parts.netloc, parts.path, parts.query


def _as_the_split(url: str) -> object:
    try:
        return _split(url)
    except ValueError as refused:  # the fast path must not take what urlsplit refuses
        return ValueError, str(refused)


def test_every_short_url_of_the_pieces_splits_as_urlsplit_splits_it() -> None:
    """Exhaustively, every string of up to three of the pieces (some 20,000 URLs: each scheme
    before each host, port, separator and blank, in each order)."""
    urls = strings_of(URL_PIECES + MORE_URL_PIECES, 3)
    assert len(urls) > 19_000
    wrong = read_otherwise(sorted(urls), _as_the_split, _as_urlsplit)
    assert not wrong, wrong[:20]


#: URLs of the shape the SDK sends, part by part (found by review: the flat table stops at three
#: pieces, short of a scheme, a host, a port, a path and a query together).
URL_PARTS = (
    ("http://", "https://", "HTTPS://", "ftp://", ""),
    ("ecs.aliyuncs.com", "[::1]", "user@ecs.aliyuncs.com", "127.0.0.1", ""),
    ("", ":443", ":80", ":", ":x"),
    ("", "/", "/a", "/%20", "/é", "//"),
    ("", "?", "?a=b", "?a=b&c=", "?%20=é", "?a=b?c"),
    ("", "#", "#x", " ", "\n", "\x00", "\r", "\xa0"),
)


def test_every_url_of_the_sdks_shape_splits_as_urlsplit_splits_it() -> None:
    """Exhaustively, every scheme, host, port, path, query and tail together (36,000 URLs)."""
    urls = ["".join(parts) for parts in itertools.product(*URL_PARTS)]
    assert len(urls) == 36_000
    wrong = read_otherwise(urls, _as_the_split, _as_urlsplit)
    assert not wrong, wrong[:20]


@settings(max_examples=200)
@given(past_the_table(URL_PIECES + MORE_URL_PIECES, 3, longest=10, text=40))
def test_longer_urls_and_any_text_split_as_urlsplit_splits_them(url: str) -> None:
    """Past the exhaustive table: four to ten pieces, and any text."""
    assert _as_the_split(url) == _as_urlsplit(url)


#: The header's algorithms: the three the fake verifies and one it does not.
ALGORITHMS = ("ACS3-HMAC-SHA256", "ACS3-HMAC-SM3", "ACS3-RSA-SHA256", "HMAC-SHA256")
#: A part's value: a key id, hex, empty, holding `=`, a blank or a comma, non-ASCII letters (a
#: signature `isalnum` takes), a trailing blank, and one too long for the remembered heads.
PART_VALUES = ("LTAI5tExample", "0fdf85c3", "", "a=b", "a b", "x,y", "é1", "0fdf85c3 ", "k" * 1100)
SIGNED_HEADERS = ("host;x-acs-date", "host", "Host", "", "a=b", "c d", "host;;x-acs-date")


def _read(parse: Callable[[str], signature.V3Authorization], header: str) -> object:
    try:
        return parse(header)
    except signature.MalformedAuthorization as refused:  # the same refusal, word for word
        return type(refused), str(refused)


def _headers() -> Iterator[str]:
    """Every header of a blank or none before it, each algorithm, each separator and order of
    the three parts, and each value of each part."""
    for lead, algorithm, separator, order in itertools.product(
        ("", " "), ALGORITHMS, (",", ", ", " ,"), itertools.permutations(range(3))
    ):
        for credential, names, sig in itertools.product(PART_VALUES, SIGNED_HEADERS, PART_VALUES):
            parts = (f"Credential={credential}", f"SignedHeaders={names}", f"Signature={sig}")
            yield f"{lead}{algorithm} " + separator.join(parts[i] for i in order)


def test_every_header_of_the_table_reads_as_the_general_parser_reads_it() -> None:
    """Exhaustively (some 80,000 headers): the SDK's own shape and each way away from it."""
    headers = list(_headers())
    assert len(headers) > 80_000
    wrong = [
        h
        for h in headers
        if _read(signature.parse_v3_authorization, h) != _read(signature.read_v3_authorization, h)
    ]
    assert not wrong, wrong[:10]


_NAMES = st.lists(
    st.sampled_from(["host", "x-acs-date", "x-acs-action", "accept", "Host", "", "a=b", "c d"]),
    min_size=1,
    max_size=5,
).map(";".join)


@st.composite
def _authorizations(draw: st.DrawFn) -> str:
    """Past the table: any text as a value, and up to five signed headers."""
    algorithm = draw(st.sampled_from(ALGORITHMS))
    parts = [
        f"Credential={draw(st.text(max_size=8))}",
        f"SignedHeaders={draw(_NAMES)}",
        f"Signature={draw(st.text(max_size=8))}",
    ]
    parts = draw(st.permutations(parts))
    separator = draw(st.sampled_from([",", ", ", " ,"]))
    return draw(st.sampled_from(["", " "])) + f"{algorithm} " + separator.join(parts)


@settings(max_examples=200)
@given(st.one_of(_authorizations(), st.text(max_size=60)))
def test_any_authorization_header_reads_as_the_general_parser_reads_it(header: str) -> None:
    assert _read(signature.parse_v3_authorization, header) == _read(
        signature.read_v3_authorization, header
    )


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


def _as_the_sdk_signs(query: list[tuple[str, str]]) -> str:
    # alibabacloud_openapi_util get_canonical_query_string: sorted keys, quote(value, safe="~")
    return "&".join(f"{k}={quote(v, safe='~', encoding='utf-8')}" for k, v in sorted(query))


#: A value: every ASCII character, non-ASCII of two, three and four bytes in UTF-8, a line
#: separator, nothing, and the SDKs' common values.
QUERY_VALUES = (
    *(chr(i) for i in range(128)),
    *("é", "中", "😀", "\u2028", ""),
    *("cn-hangzhou", "i-abc", "a b", "a*b", "~x", "a&b=c"),
)


def test_every_pair_of_values_is_encoded_as_the_sdk_encodes_it() -> None:
    """Exhaustively (some 38,000 queries): each two values under two keys, and under one key
    twice (sorted by value then), so each value is met beside an unreserved one and beside one
    that needs encoding (the shortcut takes a whole query or none of it)."""
    queries = [
        [(first, v1), ("RegionId", v2)]
        for v1, v2 in itertools.product(QUERY_VALUES, repeat=2)
        for first in ("Name", "RegionId")
    ]
    assert len(queries) > 38_000
    wrong = read_otherwise(queries, signature.canonical_query, _as_the_sdk_signs)
    assert not wrong, wrong[:10]


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["RegionId", "InstanceId.1", "Name", "Tag.1.Key"]),
            st.one_of(st.sampled_from(QUERY_VALUES), st.text(max_size=6)),
        ),
        max_size=6,
    )
)
def test_the_canonical_query_encodes_each_value_as_the_sdk_does(
    query: list[tuple[str, str]],
) -> None:
    """Past the table: up to six pairs, any text as a value."""
    assert signature.canonical_query(query) == _as_the_sdk_signs(query)


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


#: A secret: two, one a letter apart from another, empty, non-ASCII, and a block of
#: SHA-256's (64 bytes) long and one byte past it (HMAC hashes such a key before it is used).
SECRETS = ("secret-a", "secret-b", "secret-A", "", "é", "k" * 64, "k" * 65)
ALGORITHMS_V3 = ("ACS3-HMAC-SHA256", "ACS3-HMAC-SM3")


def _signs_as_a_fresh_hmac(secret: str, algorithm: str, rest: str) -> None:
    to_sign = f"{algorithm}\n{rest}"
    key, message = secret.encode("utf-8"), to_sign.encode("utf-8")
    fresh = hmac.new(key, message, signature.V3_HASHES[algorithm]).hexdigest()
    assert signature.v3_signature(secret, to_sign) == fresh, (secret[:4], algorithm)
    if algorithm == "ACS3-HMAC-SHA256":
        assert fresh == hmac.digest(key, message, "sha256").hex()


def test_every_three_signings_in_a_row_are_the_one_shot_hmacs() -> None:
    """Exhaustively, every sequence of three signings (512) of each secret under SHA-256 (whose
    keyed state is kept per secret) or one under SM3 (made afresh: `v3_signature`), one after
    another: the same secret again, another one, one a letter apart, each before and after
    each; a state kept for the wrong key, or fed a message before, gives another signature.
    And each secret under SM3 once."""
    signings = [(secret, "ACS3-HMAC-SHA256") for secret in SECRETS]
    signings.append((SECRETS[0], "ACS3-HMAC-SM3"))
    for sequence in itertools.product(signings, repeat=3):
        for position, (secret, algorithm) in enumerate(sequence):
            _signs_as_a_fresh_hmac(secret, algorithm, f"POST\n/\n{position}")
    for secret in SECRETS:
        _signs_as_a_fresh_hmac(secret, "ACS3-HMAC-SM3", "POST\n/\n")


@settings(max_examples=100, deadline=None)  # SM3 is pure Python: slow on a loaded machine
@given(
    st.lists(
        st.tuples(
            st.sampled_from(SECRETS) | st.text(max_size=80),
            st.sampled_from(ALGORITHMS_V3),
            st.text(max_size=200),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_signature_is_the_one_shot_hmac_whichever_keys_signed_before(
    signings: list[tuple[str, str, str]],
) -> None:
    """Past the table: any secret and any message, up to eight in a row."""
    for secret, algorithm, rest in signings:
        _signs_as_a_fresh_hmac(secret, algorithm, rest)


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
_VALUES = st.sampled_from(PART_VALUES) | st.text(max_size=8)


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
