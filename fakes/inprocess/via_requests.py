"""`requests` and the legacy SDK's vendored copy of it, through `responses`: one
`responses.RequestsMock` per copy, its public `target` naming which copy's adapter to patch."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import responses

from fakes.inprocess.common import (
    ENDPOINTS,
    METHODS,
    Handle,
    body_bytes,
    lower_headers,
    lowered_headers,
)
from fakes.wire.http import HttpRequest

#: What `responses` patches by default: the real `requests`.
REQUESTS = "requests.adapters.HTTPAdapter.send"
#: aliyun-python-sdk-core sends through its own copy of `requests`, which `responses` does not
#: see unless pointed at it.
LEGACY_SDK = "aliyunsdkcore.vendored.requests.adapters.HTTPAdapter.send"


def legacy_sdk_target() -> str | None:
    """The vendored adapter's name when aliyun-python-sdk-core is installed, else None."""
    return LEGACY_SDK if importlib.util.find_spec("aliyunsdkcore") is not None else None


class _EveryMethod(responses.CallbackResponse):
    """One `responses` route for every method an Alibaba endpoint may be sent (`METHODS`):
    a route of `responses` matches one method, and one route per method would cost every
    request a failed match for each of the others."""

    def __init__(self, callback: Callable[[Any], Any]) -> None:
        super().__init__("|".join(METHODS), ENDPOINTS, callback, content_type=None)

    def matches(self, request: Any) -> tuple[bool, str]:
        if request.method in METHODS and ENDPOINTS.match(str(request.url)):
            return True, ""
        return False, "not a method and Alibaba Cloud endpoint the fake serves"


class RequestsInterceptor:
    """Owns one `responses.RequestsMock` that routes Alibaba endpoints to `handle`.

    `responses` records every call (the prepared request and the whole response, about 22 KB a
    round trip) on the mock and again on the route that answered, for tests that assert on
    them; a long-lived fake would grow by that much per call. So each request first trims the
    record, through responses' public `calls` (`CallList.reset`, `add_call`): the route keeps
    none, the mock the last `keep_calls` (`calls`), at most twice that between trims."""

    def __init__(self, handle: Handle, target: str = REQUESTS, *, keep_calls: int = 0) -> None:
        if keep_calls < 0:
            raise ValueError(f"keep_calls must be 0 or more, not {keep_calls}")
        self._handle = handle
        self._keep = keep_calls
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False, target=target)
        self._route = self._mock.add(_EveryMethod(callback=self._answer))

    @property
    def calls(self) -> list[responses.Call]:
        """The last `keep_calls` calls `responses` recorded (request and response), oldest first."""
        return list(self._mock.calls)[-self._keep :] if self._keep else []

    def _trim(self) -> None:
        self._route.calls.reset()
        history = self._mock.calls
        if not self._keep:
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
        method = str(prepared.method or "GET")
        headers = prepared.headers
        lower_items = getattr(headers, "lower_items", None)
        request = HttpRequest(
            method=method,
            url=url,
            # `lower_items()` (requests' CaseInsensitiveDict) yields the stored pairs, names
            # lower-cased already; `items()` would look every name up again, one by one.
            headers=lower_headers(headers.items())
            if lower_items is None
            else lowered_headers(lower_items()),
            body=body_bytes(url, prepared.body),
        )
        response = self._handle(request)
        return response.status, dict(response.headers), response.body
