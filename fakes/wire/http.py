"""The two value types the wire layer speaks, independent of `responses` or werkzeug.

Both are named tuples: immutable values, made once or twice for every request, at a fraction
of a frozen dataclass's cost."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

_NO_HEADERS: Mapping[str, str] = MappingProxyType({})


class HttpRequest(NamedTuple):
    """One request as it arrived: the adapters (in-process, server) build it, nothing else."""

    method: str
    url: str  # absolute: scheme, host, path and the raw query string
    headers: Mapping[str, str]  # names lower-cased
    body: bytes = b""
    client_ip: str = "127.0.0.1"


class HttpResponse(NamedTuple):
    status: int
    body: bytes
    headers: Mapping[str, str] = _NO_HEADERS
