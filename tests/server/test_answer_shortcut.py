"""The server's WSGI answer (`fakes.server.wsgi_answer`) is what werkzeug's
`Response(body, status=..., headers=...)(environ, start_response)` gives: the same status line,
the same headers in the same order, the same body (none for HEAD), or the same refusal, for
every status from 0 to 999, header sets the fake gives and ones werkzeug rewrites or refuses,
each method and body; and an answer over HTTP still arrives as werkzeug would send it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import requests
from werkzeug.wrappers import Response

from fakes.server import FakeServer, wsgi_answer
from fakes.wire import envelope
from fakes.wire.http import HttpResponse

JSON = dict(envelope.JSON)
HEADER_SETS: tuple[Mapping[str, Any], ...] = (
    {},
    JSON,
    {**JSON, "x-acs-retry-after": "1500"},
    {"content-type": "text/plain"},
    {"X-Other": "1", "CONTENT-TYPE": "application/xml"},
    {**JSON, "Location": "/elsewhere"},
    {**JSON, "content-location": "/é"},
    {**JSON, "Content-Length": "3"},
    {**JSON, "X-Bad": "a\r\nInjected: 1"},
    {**JSON, "X-Bad": "a\nb"},
    {**JSON, "X-Number": 7},
    {**JSON, "content-type": "text/plain"},
    {"X-Only": "no content type"},
)
METHODS = ("GET", "HEAD", "POST")
BODIES = (b"", b'{"RequestId": "A"}')


def _started(
    app: Callable[[dict[str, Any], Any], Iterable[bytes]], environ: dict[str, Any]
) -> object:
    """What an app starts and sends: (status, headers, body), or the refusal it raises."""
    seen: list[tuple[str, list[tuple[str, str]]]] = []
    try:
        body = b"".join(app(environ, lambda status, headers: seen.append((status, headers))))
    except Exception as refused:  # compared with werkzeug's own refusal
        return type(refused), str(refused)
    [(status, headers)] = seen
    return status, list(headers), body


def _by_werkzeug(answer: HttpResponse) -> Callable[[dict[str, Any], Any], Iterable[bytes]]:
    def app(environ: dict[str, Any], start: Any) -> Iterable[bytes]:
        response = Response(answer.body, status=answer.status, headers=dict(answer.headers))
        return response(environ, start)

    return app


def test_every_status_header_set_method_and_body_answers_as_werkzeug_does() -> None:
    differ = []
    compared = 0
    for status, headers, method, body in itertools.product(
        range(1000), HEADER_SETS, METHODS, BODIES
    ):
        if not 100 <= status < 600 and (headers, method, body) != (JSON, "GET", BODIES[1]):
            continue  # werkzeug refuses below 100 and names none past 599: once is enough
        answer = HttpResponse(status, body, headers)
        environ = {"REQUEST_METHOD": method, "SERVER_NAME": "h", "SERVER_PORT": "80"}
        environ |= {"wsgi.url_scheme": "http", "PATH_INFO": "/", "SCRIPT_NAME": ""}
        ours = _started(lambda e, s, a=answer: wsgi_answer(a, e, s), environ)
        compared += 1
        if ours != _started(_by_werkzeug(answer), environ):
            differ.append((status, headers, method, body[:20]))
    assert compared > 30_000
    assert differ == []


def test_an_answer_over_http_arrives_as_werkzeug_sends_it(server: FakeServer) -> None:
    with requests.Session() as http:
        http.trust_env = False
        answer = http.get(f"{server.url}/?Action=DescribeRegions", timeout=5)
        head = http.head(f"{server.url}/?Action=DescribeRegions", timeout=5)
    assert answer.status_code == head.status_code == 400
    assert answer.reason == "BAD REQUEST"
    assert list(answer.headers) == [
        "Server", "Date", "Content-Type", "Content-Length", "Connection",
    ]  # fmt: skip
    assert answer.headers["Content-Type"] == envelope.JSON["Content-Type"]
    assert int(answer.headers["Content-Length"]) == len(answer.content) > 0
    assert head.content == b""
    assert head.headers["Content-Length"] == answer.headers["Content-Length"]
