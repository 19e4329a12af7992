"""`aiohttp` (the official SDK's `*_async` calls: darabonba-core sends them through an
`aiohttp.ClientSession`), through `aioresponses`, with the fake's answer built by a callback.

aioresponses cannot be started twice at once (it patches a method it has already patched), so
one mock serves every active interceptor, and the innermost one answers, as with `responses`.
"""

from __future__ import annotations

import functools
import inspect
import threading
from types import SimpleNamespace
from typing import Any

import aiohttp
from aioresponses import CallbackResult, aioresponses

from fakes.inprocess.common import ENDPOINTS, METHODS, Handle, body_bytes, lower_headers
from fakes.wire.http import HttpRequest

_NEEDS_STREAM_WRITER = "stream_writer" in inspect.signature(aiohttp.ClientResponse).parameters


class _Response(aiohttp.ClientResponse):
    """aiohttp 3.14 added a required `stream_writer` that aioresponses 0.7.9 does not pass
    (pnuckowski/aioresponses#289); a finished upload of nothing stands in for it."""

    def __init__(self, method: str, url: Any, **kwargs: Any) -> None:
        if _NEEDS_STREAM_WRITER:
            kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
        super().__init__(method, url, **kwargs)


class _SharedMock:
    """The one `aioresponses` mock, started while any interceptor is, answering for the last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handles: list[Handle] = []
        self._mock = aioresponses()  # other URLs: `ClientConnectionError`, as responses refuses

    def push(self, handle: Handle) -> None:
        with self._lock:
            if not self._handles:
                self._mock.start()
                for method in METHODS:
                    answer = functools.partial(self._answer, method)
                    self._mock.add(ENDPOINTS, method, callback=answer, repeat=True)
            self._handles.append(handle)

    def pop(self, handle: Handle) -> None:
        with self._lock:
            self._handles.remove(handle)
            if not self._handles:
                self._mock.stop()

    def _answer(self, method: str, url: Any, **kwargs: Any) -> CallbackResult:
        self._mock.requests.clear()  # aioresponses keeps every call for asserts: keep none
        text = str(url)
        sent = kwargs["json"] if kwargs.get("json") is not None else kwargs.get("data")
        request = HttpRequest(
            method=method,
            url=text,
            headers=lower_headers((kwargs.get("headers") or {}).items()),
            body=body_bytes(text, sent),  # a `json=` or form body is refused by name
        )
        response = self._handles[-1](request)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
        content_type = next(
            (v for k, v in response.headers.items() if k.lower() == "content-type"), ""
        )
        return CallbackResult(
            status=response.status,
            body=response.body,
            content_type=content_type,
            headers=headers,
            response_class=_Response,
        )


_SHARED = _SharedMock()


class AiohttpInterceptor:
    """Routes `aiohttp` calls to Alibaba endpoints to `handle` while started."""

    def __init__(self, handle: Handle) -> None:
        self._handle = handle

    def start(self) -> None:
        _SHARED.push(self._handle)

    def stop(self) -> None:
        _SHARED.pop(self._handle)
