"""The loud failure for transports nothing intercepts (`urllib`, `http.client`, `httpx`, raw
sockets): while a fake is active, looking up an `*.aliyuncs.com` name raises `UnservedRequest`.

It is a Python audit hook (PEP 578, `sys.addaudithook`) on the resolver's events, the
documented way to veto an operation: added on the first `arm()`, never removable, inert while
no fake is active. It sees what resolves through the `socket` module (every client above, and
aiohttp's default resolver); it cannot see a C resolver (aiohttp with `aiodns`) nor a name that
only an HTTP proxy resolves (a `CONNECT` through `HTTPS_PROXY`).
"""

from __future__ import annotations

import re
import sys
import threading

from fakes.inprocess.common import UnservedRequest

_ALIBABA = re.compile(r"(^|\.)aliyuncs\.com\.?$", re.IGNORECASE)
_LOOKUPS = frozenset({"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex"})
_lock = threading.Lock()
_active = 0
_installed = False


def _hook(event: str, args: tuple[object, ...]) -> None:
    if _active and event in _LOOKUPS and args:
        host = args[0]
        name = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
        if _ALIBABA.search(name):
            raise UnservedRequest(
                name,
                "this client's transport is not intercepted in-process (only requests, "
                "aiohttp and aliyun-python-sdk-core's vendored requests are)",
            )


def arm() -> None:
    """One more active fake: Alibaba names stop resolving."""
    global _active, _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
        _active += 1


def disarm() -> None:
    global _active
    with _lock:
        _active = max(0, _active - 1)
