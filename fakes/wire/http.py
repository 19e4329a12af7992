"""The two value types the wire layer speaks, independent of `responses` or werkzeug."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One request as it arrived: the adapters (in-process, server) build it, nothing else."""

    method: str
    url: str  # absolute: scheme, host, path and the raw query string
    headers: Mapping[str, str]  # names lower-cased
    body: bytes = b""
    client_ip: str = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
