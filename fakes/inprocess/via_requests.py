"""`requests` and the legacy SDK's vendored copy of it, through `responses`: one
`responses.RequestsMock` per copy, its public `target` naming which copy's adapter to patch."""

from __future__ import annotations

import importlib.util
from typing import Any

import responses

from fakes.inprocess.common import ENDPOINTS, METHODS, Handle, body_bytes, lower_headers
from fakes.wire.http import HttpRequest

#: What `responses` patches by default: the real `requests`.
REQUESTS = "requests.adapters.HTTPAdapter.send"
#: aliyun-python-sdk-core sends through its own copy of `requests`, which `responses` does not
#: see unless pointed at it.
LEGACY_SDK = "aliyunsdkcore.vendored.requests.adapters.HTTPAdapter.send"


def legacy_sdk_target() -> str | None:
    """The vendored adapter's name when aliyun-python-sdk-core is installed, else None."""
    return LEGACY_SDK if importlib.util.find_spec("aliyunsdkcore") is not None else None


class RequestsInterceptor:
    """Owns one `responses.RequestsMock` that routes Alibaba endpoints to `handle`.

    `responses` records every call (the prepared request and the whole response, about 22 KB a
    round trip) on the mock and again on the route that answered, for tests that assert on
    them; a long-lived fake would grow by that much per call. So each request first trims the
    record, through responses' public `calls` (`CallList.reset`, `add_call`): the routes keep
    none, the mock the last `keep_calls` (`calls`), at most twice that between trims."""

    def __init__(self, handle: Handle, target: str = REQUESTS, *, keep_calls: int = 0) -> None:
        if keep_calls < 0:
            raise ValueError(f"keep_calls must be 0 or more, not {keep_calls}")
        self._handle = handle
        self._keep = keep_calls
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False, target=target)
        self._routes = [
            self._mock.add_callback(method, ENDPOINTS, callback=self._answer, content_type=None)
            for method in METHODS
        ]

    @property
    def calls(self) -> list[responses.Call]:
        """The last `keep_calls` calls `responses` recorded (request and response), oldest first."""
        return list(self._mock.calls)[-self._keep :] if self._keep else []

    def _trim(self) -> None:
        for route in self._routes:
            if len(route.calls):  # one route answered the last request: the others hold none
                route.calls.reset()
        history = self._mock.calls
        if not self._keep:
            if len(history):
                history.reset()
        elif len(history) >= 2 * self._keep:  # trimmed in batches: O(1) a call on average
            kept = history[-self._keep :]
            history.reset()
            for call in kept:
                history.add_call(call)

    def start(self) -> None:
        self._mock.start()

    def stop(self) -> None:
        self._mock.stop()
        self._mock.reset()

    def _answer(self, prepared: Any) -> tuple[int, dict[str, str], bytes]:
        """`prepared` is a `PreparedRequest` of whichever copy of `requests` sent it."""
        self._trim()
        url = str(prepared.url or "")
        headers = prepared.headers
        request = HttpRequest(
            method=str(prepared.method or "GET"),
            url=url,
            # `lower_items()` (requests' CaseInsensitiveDict) yields the stored pairs as they
            # are; `items()` would look every name up again, case-folded, one by one.
            headers=lower_headers(getattr(headers, "lower_items", headers.items)()),
            body=body_bytes(url, prepared.body),
        )
        response = self._handle(request)
        return response.status, dict(response.headers), response.body
