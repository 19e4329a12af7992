"""What the in-process interceptors share: the endpoints, the handle, the loud failure."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import cast

from fakes.wire.http import HttpRequest, HttpResponse

#: The whole request path of one account (`FakeCloud.handle`): a request in, its answer out.
Handle = Callable[[HttpRequest], HttpResponse]

#: Any Alibaba Cloud endpoint, over HTTP or HTTPS, any port.
ENDPOINTS = re.compile(r"^https?://([A-Za-z0-9-]+\.)*aliyuncs\.com(:\d+)?(/.*)?$", re.IGNORECASE)

#: Every method a client may send; the fake answers each (most with Alibaba's error).
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")


class UnservedRequest(RuntimeError):
    """A request for Alibaba Cloud that the active fake cannot serve, stopped before it left
    the machine (it would have reached the real endpoint with the fake's keys)."""

    def __init__(self, target: str, why: str) -> None:
        super().__init__(
            f"the fake cloud is active and cannot serve `{target}`: {why}; the request was "
            "stopped before it left the machine"
        )
        self.target = target


def body_bytes(url: str, body: object) -> bytes:
    """The body as bytes, or `UnservedRequest` for one the fake cannot read (a stream)."""
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    raise UnservedRequest(url, f"a request body of type `{type(body).__name__}` is not read")


def lower_headers(headers: Iterable[tuple[object, object]]) -> dict[str, str]:
    """Header names lower-cased, values as text (bytes read as latin-1, as HTTP does)."""
    return {
        str(k).lower(): v
        if type(v) is str
        else v.decode("latin-1")
        if isinstance(v, bytes)
        else str(v)
        for k, v in headers
    }


def lowered_headers(headers: Iterable[tuple[str, object]]) -> dict[str, str]:
    """`lower_headers` of pairs whose names are lower-case text already (requests'
    `CaseInsensitiveDict.lower_items()`): when every value is text too, they are taken as
    they are; else each is made text as `lower_headers` does."""
    taken = dict(headers)
    try:  # `str.join` takes text alone: one pass in C checks every name and value
        "".join(taken)
        "".join(cast(Iterable[str], taken.values()))
    except TypeError:
        return lower_headers(taken.items())
    return cast(dict[str, str], taken)
