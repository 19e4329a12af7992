"""In-process interception: every client the SDKs use reaches one account's `handle` (a
`FakeCloud`'s), which the adapters know only as a callable.

- `requests` (the official SDK's sync calls), through `responses`;
- `aliyunsdkcore`'s vendored `requests` (the legacy SDK), through `responses` pointed at it;
- `aiohttp` (the official SDK's `*_async` calls, via darabonba-core), through `aioresponses`;
- anything else (`urllib`, `http.client`, raw sockets) that looks up an `*.aliyuncs.com` name
  while a fake is active is stopped by `guard` with `UnservedRequest`, before it leaves.
"""

from __future__ import annotations

from responses import Call

from fakes.inprocess import guard
from fakes.inprocess.common import ENDPOINTS, Handle, UnservedRequest
from fakes.inprocess.via_aiohttp import AiohttpInterceptor
from fakes.inprocess.via_requests import RequestsInterceptor, legacy_sdk_target

__all__ = ["ENDPOINTS", "Handle", "InProcessAdapter", "UnservedRequest"]


class InProcessAdapter:
    """Routes Alibaba endpoints to `handle` on every transport while started; of the calls
    through `requests`, keeps the last `keep_calls` of each copy (`calls`), none by default."""

    def __init__(self, handle: Handle, *, keep_calls: int = 0) -> None:
        self._sync = [RequestsInterceptor(handle, keep_calls=keep_calls)]
        legacy = legacy_sdk_target()
        if legacy is not None:  # aliyun-python-sdk-core is installed: its vendored requests too
            self._sync.append(RequestsInterceptor(handle, target=legacy, keep_calls=keep_calls))
        self._interceptors: list[RequestsInterceptor | AiohttpInterceptor] = [
            *self._sync,
            AiohttpInterceptor(handle),
        ]

    @property
    def calls(self) -> list[Call]:
        """The kept calls through `requests`, then through the legacy SDK's vendored copy."""
        return [call for interceptor in self._sync for call in interceptor.calls]

    def start(self) -> None:
        guard.arm()
        for interceptor in self._interceptors:
            interceptor.start()

    def stop(self) -> None:
        for interceptor in self._interceptors:
            interceptor.stop()
        guard.disarm()
