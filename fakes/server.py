"""The fake cloud as a standalone HTTP server (werkzeug), for clients in any language: the API
goes to the same `FakeCloud.handle` as in-process, `/_fake/...` to `fakes.control`. Loopback
only unless told otherwise, since the control plane hands out the root AccessKey."""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import socket
import threading
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from fakes import control
from fakes.cloud import DEFAULT_REGION, FakeCloud
from fakes.errors import ApiError
from fakes.wire import envelope
from fakes.wire.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger("fakes")

#: The largest request body read (1 MiB); a larger one is refused with `InvalidParameter`.
MAX_BODY = 1024 * 1024
_CRASH = ApiError("InternalError", "The fake cloud server failed on this request.", 500)
_QUERY = re.compile(r"\?[^\s\"']*")  # V2 signatures and AccessKey ids travel in the query


class _Handler(WSGIRequestHandler):
    """werkzeug's handler, with query strings kept out of the log and stalled clients dropped."""

    timeout = 10  # seconds a client may leave the socket silent

    def log(self, type: str, message: str, *args: Any) -> None:
        scrubbed = (_QUERY.sub("?...", a) if isinstance(a, str) else a for a in args)
        super().log(type, message, *scrubbed)


def is_loopback(host: str) -> bool:
    """Whether every address `host` names is a loopback address (`127.0.0.1`, `::1`, ...)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return False
    addresses = {str(info[4][0]).split("%")[0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


class FakeServer:
    """One `FakeCloud` served over HTTP on a background thread; a context manager."""

    def __init__(self, cloud: FakeCloud, host: str, port: int, allow_non_loopback: bool) -> None:
        if not allow_non_loopback and not is_loopback(host):
            raise ValueError(
                f"refusing to listen on `{host}`: it is not a loopback address, and anyone who "
                "can reach it can read the root AccessKey at /_fake/account; pass "
                f"allow_non_loopback=True (on the command line: --host {host}) if you mean it"
            )
        self.cloud = cloud
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:  # bind here, not in werkzeug, which exits the process when it cannot
            listening = socket.create_server((host, port), family=family)
        except OSError as e:
            why = os.strerror(e.errno) if e.errno else str(e)
            raise OSError(f"cannot listen on {host}:{port}: {why}") from None
        with listening:  # werkzeug serves a duplicate of this socket; True: threaded
            fd = listening.fileno()
            self._server = make_server(host, port, self._app, True, request_handler=_Handler, fd=fd)
        self._thread: threading.Thread | None = None
        self.port: int = self._server.port
        shown = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
        self.endpoint = f"[{shown}]:{self.port}" if ":" in shown else f"{shown}:{self.port}"
        self.url = f"http://{self.endpoint}"

    def start(self) -> FakeServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting and close the socket (for good); requests in flight still finish."""
        if self._thread is not None:
            self._server.shutdown()  # serve_forever closes the socket on its way out
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _app(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        try:
            answer = self._answer(request)
        except Exception:  # never a traceback on the wire
            log.exception("fake cloud server failed on %s %s", request.method, request.path)
            answer = _error(request, _CRASH)
        response = Response(answer.body, status=answer.status, headers=dict(answer.headers))
        return response(environ, start_response)

    def _answer(self, request: Request) -> HttpResponse:
        declared = request.content_length
        body = b"" if declared == 0 else request.stream.read(MAX_BODY + 1)
        if len(body) > MAX_BODY or (declared or 0) > MAX_BODY:
            why = f"The request body is larger than {MAX_BODY} bytes, the fake cloud's limit."
            return _error(request, ApiError("InvalidParameter", why, 400))
        if request.path.startswith(control.PREFIX):
            return control.answer(self.cloud, request.method, request.path, body)
        query = request.environ.get("QUERY_STRING", "")
        url = f"http://{request.host}{quote(request.path)}" + (f"?{query}" if query else "")
        headers = {name.lower(): value for name, value in request.headers.items()}
        sent = HttpRequest(request.method, url, headers, body, request.remote_addr or "")
        return self.cloud.handle(sent)


def _error(request: Request, err: ApiError) -> HttpResponse:
    """An error the server answers itself, before the account sees the request."""
    request_id = str(uuid.uuid4()).upper()
    return envelope.error(err, request_id=request_id, host=request.host, product=None)


def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    region: str = DEFAULT_REGION,
    cloud: FakeCloud | None = None,
    allow_non_loopback: bool = False,
) -> FakeServer:
    """Serve `cloud` (else a new account) over HTTP on a thread: the running server has `url`,
    `endpoint` (`host:port`, for an SDK), `cloud`, and `stop()`; `with serve() as server:`."""
    account = cloud or FakeCloud(region=region)
    return FakeServer(account, host, port, allow_non_loopback).start()
