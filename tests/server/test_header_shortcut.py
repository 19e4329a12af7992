"""The server's request headers (`fakes.server.sent_headers`, read off the WSGI environ) are
what werkzeug's `request.headers.items()` gives, names lower-cased, for any environ: on a
table of every short header name made of what the reading tells apart, exhaustively, and past
it at random (Hypothesis); and a request over HTTP still reaches the account with its headers."""

from __future__ import annotations

import itertools
from typing import Any

import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.wrappers import Request

from fakes.server import FakeServer, sent_headers
from tests.wire._tables import read_otherwise, strings_of

#: What a header name's environ key may hold: letters either case, digits, the underscore the
#: dash became, and latin-1 letters whose title case is not their upper case (ß, µ, ÿ).
NAME_PIECES = ("A", "x", "_", "-", "1", "ß", "µ", "ÿ")
#: The keys WSGI keeps apart: the two unprefixed ones, their prefixed twins, and others.
SPECIAL_KEYS = (
    "CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH", "HTTP_HOST",
    "HTTP_", "HTTP", "REQUEST_METHOD", "QUERY_STRING", "wsgi.input", "http_x_lower",
)  # fmt: skip


def _as_werkzeug(environ: dict[str, Any]) -> dict[str, str]:
    return {name.lower(): value for name, value in Request(environ).headers.items()}


def _environs() -> list[dict[str, Any]]:
    """Every header name of up to three pieces, alone and beside each special key with an empty
    and a set value, and every pair of special keys."""
    names = ["HTTP_" + name for name in strings_of(NAME_PIECES, 3)]
    found: list[dict[str, Any]] = [{key: "v"} for key in names]
    for key, value in itertools.product(SPECIAL_KEYS, ("", "v")):
        found.append({key: value})
        found.extend({key: value, name: "w"} for name in names[:: len(names) // 40 or 1])
    found.extend({a: "1", b: ""} for a, b in itertools.permutations(SPECIAL_KEYS, 2))
    return found


def test_the_table_of_environs_reads_as_werkzeug_reads_it() -> None:
    environs = _environs()
    assert len(environs) > 700
    assert read_otherwise(environs, sent_headers, _as_werkzeug) == []


#: An environ holds latin-1 text only (PEP 3333's native strings, as http.server decodes).
_LATIN_1 = st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=8)
_KEY = st.one_of(st.sampled_from(SPECIAL_KEYS), _LATIN_1.map(lambda s: "HTTP_" + s), _LATIN_1)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEY, _LATIN_1, max_size=8))
def test_any_environ_reads_as_werkzeug_reads_it(environ: dict[str, Any]) -> None:
    assert sent_headers(environ) == _as_werkzeug(environ)


def test_a_request_over_http_reaches_the_account_with_its_headers(
    server: FakeServer,
) -> None:
    """The headers reach `handle` named in lower case, their values as sent (the Host, the
    SDK's action header, a name sent in mixed case)."""
    seen: list[dict[str, str]] = []
    handle = server.cloud.handle

    def spy(request: Any) -> Any:
        seen.append(dict(request.headers))
        return handle(request)

    server.cloud.handle = spy  # type: ignore[method-assign]
    try:
        with requests.Session() as http:
            http.trust_env = False
            answer = http.post(
                f"{server.url}/",
                headers={"X-Acs-Action": "DescribeRegions", "x-CUSTOM-Name": "Value As Sent"},
                data=b"",
                timeout=5,
            )
    finally:
        del server.cloud.handle
    assert answer.headers["Content-Type"].startswith("application/json")
    [headers] = seen
    assert headers["x-acs-action"] == "DescribeRegions"
    assert headers["host"] == server.endpoint
    assert headers["x-custom-name"] == "Value As Sent"
