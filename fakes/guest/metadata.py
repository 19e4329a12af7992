"""The instance metadata service as a program on a Linux instance reaches it: `curl` and
`wget -qO-` of `http://100.100.100.200/...`.

The service asks nothing of the caller: any local user, root or not, may read it, so whoever
can run a command on the instance holds the instance RAM role's credentials
(https://help.aliyun.com/zh/ecs/user-guide/obtain-a-temporary-authorization-token). The fake
instance has no other network: a URL on another host fails as an unreachable host does (curl
exit 7, wget exit 4), never as a success. Options the fake does not know are refused by name
(exit 2), as the other guest commands do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from fakes.guest.shell import ExecResult

#: Where the metadata service answers, from inside every ECS instance.
METADATA_HOST = "100.100.100.200"
_CURL_FLAGS = {"s": "silent", "S": "show-error", "f": "fail", "L": "location"}
_CURL_LONG = {"--silent": "s", "--show-error": "S", "--fail": "f", "--location": "L"}


class MetadataService(Protocol):
    """The cloud's side of 100.100.100.200 for one instance."""

    def get(self, path: str) -> tuple[int, str]:
        """The HTTP status and body of a GET of `path` (e.g. `/latest/meta-data/instance-id`)."""
        ...


@dataclass(frozen=True)
class _Target:
    host: str
    port: int
    path: str


def _target(url: str) -> _Target | None:
    parts = urlsplit(url if "://" in url else "http://" + url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    return _Target(parts.hostname, port, path)


def _not_modelled(name: str, args: Sequence[str]) -> ExecResult:
    shown = " ".join((name, *args))
    return ExecResult(f"{name}: the fake guest does not model `{shown}`", 2)


def _said(loud: bool, message: str) -> str:
    return message if loud else ""


def _reachable(target: _Target, metadata: MetadataService | None) -> MetadataService | None:
    """The metadata service, when the URL is its address on port 80; None otherwise."""
    if metadata is None or target.host != METADATA_HOST or target.port != 80:
        return None
    return metadata


def curl(args: Sequence[str], metadata: MetadataService | None) -> ExecResult:
    """`curl [-sSfL] URL`, with curl 7's messages and exit codes (7: no connection, 22: an HTTP
    error under `-f`); `-s` silences the messages unless `-S` is given too."""
    flags: set[str] = set()
    urls: list[str] = []
    for arg in args:
        if arg in _CURL_LONG:
            flags.add(_CURL_LONG[arg])
        elif arg.startswith("-") and len(arg) > 1 and set(arg[1:]) <= set(_CURL_FLAGS):
            flags.update(arg[1:])
        elif arg.startswith("-"):
            return _not_modelled("curl", args)
        else:
            urls.append(arg)
    if len(urls) != 1:
        return _not_modelled("curl", args)
    loud = "s" not in flags or "S" in flags
    target = _target(urls[0])
    if target is None:
        return ExecResult(_said(loud, "curl: (3) URL using bad/illegal format or missing URL"), 3)
    service = _reachable(target, metadata)
    if service is None:
        message = (
            f"curl: (7) Failed to connect to {target.host} port {target.port} after 0 ms: "
            "Couldn't connect to server"
        )
        return ExecResult(_said(loud, message), 7)
    status, body = service.get(target.path)
    if status >= 400 and "f" in flags:
        error = f"curl: (22) The requested URL returned error: {status}"
        return ExecResult(_said(loud, error), 22)
    return ExecResult(body, 0)


def wget(args: Sequence[str], metadata: MetadataService | None) -> ExecResult:
    """`wget -qO- URL` (also `-q -O -`): the body on standard output, exit 8 on an HTTP error
    and 4 when the host cannot be reached, as GNU Wget 1.21 exits."""
    rest = list(args)
    quiet = to_stdout = False
    urls: list[str] = []
    while rest:
        arg = rest.pop(0)
        if arg == "-q":
            quiet = True
        elif arg in ("-qO-", "-qO") or arg in ("-O-", "-O"):
            quiet = quiet or arg.startswith("-q")
            if arg.endswith("O") and (not rest or rest.pop(0) != "-"):
                return _not_modelled("wget", args)
            to_stdout = True
        elif arg.startswith("-"):
            return _not_modelled("wget", args)
        else:
            urls.append(arg)
    if not to_stdout or len(urls) != 1:
        return _not_modelled("wget", args)  # writing a file is not modelled
    target = _target(urls[0])
    service = _reachable(target, metadata) if target is not None else None
    if target is None or service is None:
        where = f"{target.host}:{target.port}" if target is not None else urls[0]
        message = f"Connecting to {where}... failed: Connection timed out."
        return ExecResult(_said(not quiet, message), 4)
    status, body = service.get(target.path)
    if status >= 400:
        return ExecResult(_said(not quiet, f"ERROR {status}: Not Found."), 8)
    return ExecResult(body, 0)
