"""The `responses` adapter: every `requests` call to `*.aliyuncs.com` goes to one account's
`handle` (a `FakeCloud`'s), which the adapter knows only as a callable."""

from __future__ import annotations

import re
from collections.abc import Callable

import responses
from requests import PreparedRequest

from fakes.wire.http import HttpRequest, HttpResponse

#: The whole request path of one account (`FakeCloud.handle`): a request in, its answer out.
Handle = Callable[[HttpRequest], HttpResponse]

#: Any Alibaba Cloud endpoint, over HTTP or HTTPS, any port.
ENDPOINTS = re.compile(r"^https?://([A-Za-z0-9-]+\.)*aliyuncs\.com(:\d+)?(/.*)?$")
_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")


class InProcessAdapter:
    """Owns one `responses.RequestsMock` that routes Alibaba endpoints to `handle`."""

    def __init__(self, handle: Handle) -> None:
        self._handle = handle
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        for method in _METHODS:
            self._mock.add_callback(method, ENDPOINTS, callback=self._answer, content_type=None)

    def start(self) -> None:
        self._mock.start()

    def stop(self) -> None:
        self._mock.stop()
        self._mock.reset()

    def _answer(self, prepared: PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        body = prepared.body
        if isinstance(body, str):
            raw = body.encode("utf-8")
        elif isinstance(body, bytes):
            raw = body
        else:  # the SDKs send no streamed bodies; an empty body is what arrives
            raw = b""
        request = HttpRequest(
            method=prepared.method or "GET",
            url=prepared.url or "",
            headers={
                k.lower(): v if isinstance(v, str) else v.decode("latin-1")
                for k, v in prepared.headers.items()
            },
            body=raw,
        )
        response = self._handle(request)
        return response.status, dict(response.headers), response.body
