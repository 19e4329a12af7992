"""The fake cloud as a standalone HTTP server (werkzeug), for clients in any language: the API
goes to the same `FakeCloud.handle` as in-process, `/_fake/...` to `fakes.control`. Loopback
only unless told otherwise, since the control plane hands out the root AccessKey."""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import socket
import threading
import uuid
from collections.abc import Iterable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlsplit

from werkzeug.exceptions import ClientDisconnected
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from fakes import control
from fakes.cloud import DEFAULT_REGION, FakeCloud
from fakes.errors import ApiError
from fakes.wire import envelope
from fakes.wire.http import HttpRequest, HttpResponse
from fakes.workers import Workers

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger("fakes")
#: The logger werkzeug writes each request's line to (`werkzeug._internal._log`).
_WERKZEUG_LOG = logging.getLogger("werkzeug")

#: The largest request body read (1 MiB); a larger one is refused with `InvalidParameter`.
MAX_BODY = 1024 * 1024
#: The longest request line read (1 MiB): http.server's own 64 KiB is shorter than the URL the
#: SDK sends for a long PolicyDocument, which must reach RAM's own length check.
MAX_REQUEST_LINE = MAX_BODY
#: Seconds the body may pause: a client that sent less than its Content-Length is answered
#: then, not after the socket's 10 s.
BODY_IDLE = 2.0
_CRASH = ApiError("InternalError", "The fake cloud server failed on this request.", 500)
_ACTION = re.compile(r"[A-Za-z0-9]{1,64}")
#: A29: what http.server refuses before the app sees a request, said in Alibaba's envelope.
_HTTP_LIMITS: dict[int, str] = {
    HTTPStatus.REQUEST_URI_TOO_LONG: f"The request line is longer than {MAX_REQUEST_LINE} bytes, "
    "the fake cloud server's limit.",
    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE: "A request header is longer than 65536 bytes, "
    "or there are more than 100 headers: the fake cloud server's limits.",
}


class _Handler(WSGIRequestHandler):
    """werkzeug's handler, logging no query string and answering even a request http.server
    refuses (too long, not HTTP) in Alibaba's JSON envelope, never an HTML page."""

    timeout = 10  # seconds a client may leave the socket silent
    #: The answer is buffered and sent when werkzeug flushes it, after the body: its status
    #: line, headers and body leave in one send, not one for the headers and one for the body
    #: (http.server's unbuffered default). The bytes are the same; a larger body than the
    #: buffer is written through as it comes.
    wbufsize = -1

    def handle_one_request(self) -> None:
        """http.server's, reading a request line of up to `MAX_REQUEST_LINE` bytes."""
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self.requestline = self.request_version = self.command = ""
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():  # it has answered already
                return
            self.run_wsgi()  # werkzeug serves every method with it
            self.wfile.flush()
        except TimeoutError as e:
            self.log_error("Request timed out: %r", e)
            self.close_connection = True

    def handle_expect_100(self) -> bool:
        """http.server's `100 Continue`, sent at once: the answer is buffered (`wbufsize`), and
        a client that waits for it before sending its body (curl for a large one, .NET's
        HttpWebRequest, aiohttp with `expect100`) would otherwise wait until the body's
        `BODY_IDLE` ran out and be refused for a body it never sent. werkzeug's own second
        `100 Continue` leaves with the answer, as before (RFC 9110 allows several)."""
        continued = super().handle_expect_100()
        self.wfile.flush()
        return continued

    def finish(self) -> None:
        """socketserver's, quiet when the client has gone: what is left in the answer's buffer
        can no longer be sent (werkzeug has let the failed write go already), and closing the
        stream would raise it again, as a traceback on the server's console."""
        try:
            super().finish()
        except OSError:
            self.rfile.close()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Method, path and action only: the query holds V2 signatures, AccessKey ids and
        parameter values (an OOS secret's `Value`), and none of them belongs in a log. Nothing
        is worked out for a line werkzeug's logger would drop (a level set above INFO: the
        suite's server); with no level set, werkzeug sets INFO on its first line, so it logs."""
        if _WERKZEUG_LOG.level != logging.NOTSET and not _WERKZEUG_LOG.isEnabledFor(logging.INFO):
            return
        target = urlsplit(getattr(self, "path", "") or "")
        headers = getattr(self, "headers", None)
        action = headers.get("x-acs-action", "") if headers is not None else ""
        if not action:
            action = dict(parse_qsl(target.query)).get("Action", "")
        shown_action = action if _ACTION.fullmatch(action) else "-"
        path = quote(target.path[:256], safe="/-._~!$&'()*+,;=:@%") or "-"
        method = self.command if _ACTION.fullmatch(self.command or "") else "-"
        self.log("info", '"%s %s %s" %s %s', method, path, shown_action, code, size)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        why = _HTTP_LIMITS.get(code, "The request is not well-formed HTTP.")
        err = ApiError("InvalidParameter", why, code if code in _HTTP_LIMITS else 400)
        answer = envelope.error(err, request_id=_request_id(), host="", product=None)
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # not HTTP at all: answer in HTTP/1.1 anyway
            self.request_version = self.protocol_version
        self.send_response(err.status)
        for name, value in {**answer.headers, "Connection": "close"}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)


#: What socketserver hands a TCP server's `process_request` (typeshed's `_RequestType`).
_Request = socket.socket | tuple[bytes, socket.socket]


class _ThreadedServer(ThreadedWSGIServer):
    """werkzeug's threaded server (what `make_server(..., threaded=True)` makes), each
    connection served on a thread of `Workers`, a thread kept from an earlier connection when
    one waits, instead of on a thread started for it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # made first: werkzeug's own __init__ may close the server already (server_close)
        self.workers: Workers[tuple[_Request, Any]] = Workers(
            self._serve, name="fake-cloud-request"
        )
        super().__init__(*args, **kwargs)

    def server_close(self) -> None:
        super().server_close()
        self.workers.close()  # no connection will come: the waiting threads end now

    def process_request(self, request: _Request, client_address: Any) -> None:
        self.workers.hand((request, client_address))

    def _serve(self, job: tuple[_Request, Any]) -> None:
        self.process_request_thread(*job)  # socketserver's: serve, log a failure, close


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
        with listening:  # werkzeug serves a duplicate of this socket
            fd = listening.fileno()
            self._server = _ThreadedServer(host, port, self._app, _Handler, fd=fd)
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
        return wsgi_answer(answer, environ, start_response)

    def _answer(self, request: Request) -> HttpResponse:
        try:  # werkzeug's server closes every connection after answering, this one too
            body = _read_body(request)
        except ApiError as err:
            return _error(request, err)
        if request.path.startswith(control.PREFIX):
            try:
                return control.answer(self.cloud, request.method, request.path, body)
            except RecursionError:  # json.loads on a body nested thousands deep
                why = {"Error": "the body is nested too deeply to read"}
                return HttpResponse(400, json.dumps(why).encode(), envelope.JSON)
        query = request.environ.get("QUERY_STRING", "")
        url = f"http://{request.host}{quote(request.path)}" + (f"?{query}" if query else "")
        headers = sent_headers(request.environ)
        sent = HttpRequest(request.method, url, headers, body, request.remote_addr or "")
        return self.cloud.handle(sent)


#: Status lines as werkzeug writes them for a status given as a number (`HTTP_STATUS_CODES`,
#: upper-cased), for the statuses whose answer it sends with its body and its length as they
#: are: not 1xx, 204 or 304 (RFC 7230 3.3.2; werkzeug's `get_wsgi_headers`, `get_app_iter`).
_STATUS_LINES = {
    code: f"{code} {name.upper()}"
    for code, name in HTTP_STATUS_CODES.items()
    if code >= 200 and code not in (204, 304)
}
#: Headers werkzeug's `Response` rewrites (`get_wsgi_headers`), or sets itself.
_REWRITTEN = frozenset({"location", "content-location", "content-length"})
_NEWLINE = re.compile(r"[\r\n]")


def wsgi_answer(
    answer: HttpResponse, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    """Start the WSGI response of `answer` and return its body, as werkzeug's
    `Response(body, status=..., headers=...)(environ, start_response)` does, built directly for
    the answers the fake gives (a status werkzeug names, a Content-Type, no header it rewrites
    or would refuse): the same status line, the same headers in the same order, Content-Length
    last, no body for HEAD. Any other answer goes through werkzeug's `Response` itself."""
    line = _STATUS_LINES.get(answer.status)
    headers = answer.headers
    names = [name.lower() for name in headers]
    if (
        line is None
        or "content-type" not in names
        or not _REWRITTEN.isdisjoint(names)
        or any(type(v) is not str or _NEWLINE.search(v) for v in headers.values())
    ):
        response = Response(answer.body, status=answer.status, headers=dict(headers))
        return response(environ, start_response)
    start_response(line, [*headers.items(), ("Content-Length", str(len(answer.body)))])
    return () if environ["REQUEST_METHOD"] == "HEAD" else (answer.body,)


#: The two headers WSGI keeps without the `HTTP_` prefix.
_UNPREFIXED = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}


def sent_headers(environ: WSGIEnvironment) -> dict[str, str]:
    """The request's headers, names lower-cased: what werkzeug's `request.headers.items()`
    yields (its `EnvironHeaders`: `HTTP_*` keys but the two WSGI keeps unprefixed, which count
    only when not empty; names title-cased), lower-cased, without its generator per header."""
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            if key != "HTTP_CONTENT_TYPE" and key != "HTTP_CONTENT_LENGTH":
                name = key[5:].replace("_", "-")
                # title() then lower() is lower() for ASCII; not for every other letter (ß)
                headers[name.lower() if name.isascii() else name.title().lower()] = value
        elif key in _UNPREFIXED and value:
            headers[_UNPREFIXED[key]] = value
    return headers


def _read_body(request: Request) -> bytes:
    """The body, at most `MAX_BODY` bytes, or the `ApiError` for one that cannot be read: too
    large, shorter than its Content-Length, or badly chunked. The socket may idle for only
    `BODY_IDLE` seconds meanwhile, so a short body is answered at once, not after 10 s."""
    declared = request.content_length
    connection = request.environ.get("werkzeug.socket")
    if (declared or 0) > MAX_BODY:
        raise _too_large(connection)
    if declared == 0 or (declared is None and not request.environ.get("wsgi.input_terminated")):
        return b""
    if isinstance(connection, socket.socket):
        connection.settimeout(BODY_IDLE)
    try:
        body = request.stream.read(MAX_BODY + 1)
    except (OSError, ClientDisconnected) as e:  # TimeoutError is an OSError
        short = isinstance(e, (TimeoutError, ClientDisconnected))
        why = (
            "The request body is shorter than its Content-Length."
            if short
            else "The request body is not well-formed chunked encoding."
        )
        raise ApiError("InvalidParameter", why, 400) from None
    finally:
        if isinstance(connection, socket.socket):
            connection.settimeout(_Handler.timeout)
    if len(body) > MAX_BODY:
        raise _too_large(connection)
    if declared is not None and len(body) < declared:  # the client half-closed early
        raise ApiError("InvalidParameter", "The request body is shorter than its Content-Length.")
    return body


def _too_large(connection: object) -> ApiError:
    """The refusal of a body over `MAX_BODY`, left unread. After the answer werkzeug reads what
    is left of it (so that the client sees the answer, not a reset) until the socket has been
    silent for its timeout: that wait is made a body's pause (`BODY_IDLE`), not 10 s, since the
    connection closes after this answer anyway."""
    if isinstance(connection, socket.socket):
        connection.settimeout(BODY_IDLE)
    why = f"The request body is larger than {MAX_BODY} bytes, the fake cloud's limit."
    return ApiError("InvalidParameter", why, 400)


def _request_id() -> str:
    return str(uuid.uuid4()).upper()


def _error(request: Request, err: ApiError) -> HttpResponse:
    """An error the server answers itself, before the account sees the request."""
    return envelope.error(err, request_id=_request_id(), host=request.host, product=None)


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
