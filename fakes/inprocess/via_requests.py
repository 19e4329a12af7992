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
    """Owns one `responses.RequestsMock` that routes Alibaba endpoints to `handle`."""

    def __init__(self, handle: Handle, target: str = REQUESTS) -> None:
        self._handle = handle
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False, target=target)
        for method in METHODS:
            self._mock.add_callback(method, ENDPOINTS, callback=self._answer, content_type=None)

    def start(self) -> None:
        self._mock.start()

    def stop(self) -> None:
        self._mock.stop()
        self._mock.reset()

    def _answer(self, prepared: Any) -> tuple[int, dict[str, str], bytes]:
        """`prepared` is a `PreparedRequest` of whichever copy of `requests` sent it."""
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
