"""Bad requests get Alibaba's error envelope, never a traceback, and the server keeps serving."""

from __future__ import annotations

import json
import logging
import socket
import struct
import time

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_oos20190601 import models as oos_models
from alibabacloud_oos20190601.client import Client as OosClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_tea_openapi.exceptions import ClientException

from fakes.server import BODY_IDLE, MAX_BODY, MAX_REQUEST_LINE

from ._support import REGION, sdk_config, v2_signed

ENVELOPE = {"RequestId", "HostId", "Code", "Message", "Recommend"}
LIST = {"Action": "DescribeInstances", "Version": "2014-05-26", "RegionId": REGION}


@pytest.fixture
def still_serving(server, root, ecs_as):
    """After the test's bad request, a good one through the official SDK still works."""
    yield
    linux = server.cloud.add_instance(users=["user01"])
    listed = ecs_as(root).describe_instances(ecs_models.DescribeInstancesRequest(region_id=REGION))
    assert [i.instance_id for i in listed.body.instances.instance] == [linux]


def _refusal(answer):
    body = answer.json()
    assert set(body) >= ENVELOPE
    assert "Traceback" not in answer.text
    return answer.status_code, body["Code"]


pytestmark = pytest.mark.usefixtures("still_serving")


def test_a_request_without_a_signature(server, http):
    answer = http.post(server.url, params=LIST, timeout=5)
    assert _refusal(answer) == (400, "IncompleteSignature")


def test_a_wrong_signature(server, root, http):
    params = {**v2_signed(root, "GET", LIST), "Signature": "bm90IGl0"}
    answer = http.get(server.url, params=params, timeout=5)
    assert _refusal(answer) == (400, "SignatureDoesNotMatch")
    assert root[1] not in answer.text


def test_an_unknown_version(server, root, http):
    params = v2_signed(root, "GET", {**LIST, "Version": "1999-01-01"})
    answer = http.get(server.url, params=params, timeout=5)
    assert _refusal(answer) == (400, "InvalidVersion")


def test_a_malformed_query(server, http):
    answer = http.get(f"{server.url}/?Action=DescribeInstances&&&=b", timeout=5)
    assert _refusal(answer) == (400, "InvalidParameter")


def test_a_body_over_the_limit(server, root, http):
    params = v2_signed(root, "POST", LIST)
    answer = http.post(server.url, params=params, data=b"a=" + b"x" * MAX_BODY, timeout=10)
    status, code = _refusal(answer)
    assert (status, code) == (400, "InvalidParameter")
    assert str(MAX_BODY) in answer.json()["Message"]


def _raw(server, data: bytes, *, half_close: bool = False) -> tuple[float, int, dict]:
    """Send bytes no HTTP client would; return (seconds to the answer, status, JSON body)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        started = time.monotonic()
        raw.sendall(data)
        if half_close:
            raw.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := raw.recv(65536):
            reply += chunk
    elapsed = time.monotonic() - started
    head, _, body = reply.partition(b"\r\n\r\n")
    assert b"Traceback" not in reply
    answer = json.loads(body)
    assert set(answer) >= ENVELOPE
    return elapsed, int(head.split()[1]), answer


def test_a_request_that_is_not_http(server):
    """Not even HTTP: still an HTTP/1.1 answer with the envelope, never an HTML page."""
    _, status, body = _raw(server, b"\x16\x03\x01 not http at all\r\n\r\n")
    assert (status, body["Code"]) == (400, "InvalidParameter")


@pytest.mark.parametrize("half_close", [False, True], ids=["waiting", "half-closed"])
def test_a_body_shorter_than_its_content_length_is_answered_at_once(
    server, half_close, monkeypatch
):
    """Answered once the body has paused for `BODY_IDLE` (made short here), not after the
    socket's timeout of 10 s."""
    monkeypatch.setattr("fakes.server.BODY_IDLE", 0.2)
    request = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nAction=Desc"
    elapsed, status, body = _raw(server, request, half_close=half_close)
    assert (status, body["Code"]) == (400, "InvalidParameter")
    assert "Content-Length" in body["Message"]
    assert elapsed < 0.2 + 2


def _chunked(body: bytes) -> bytes:
    return (
        b"".join(
            b"%x\r\n%s\r\n" % (len(piece), piece)
            for piece in (body[i : i + 65536] for i in range(0, len(body), 65536))
        )
        + b"0\r\n\r\n"
    )


_TOO_LARGE = b"a=" + b"x" * MAX_BODY


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s"
        % (len(_TOO_LARGE), _TOO_LARGE),
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + _chunked(_TOO_LARGE),
    ],
    ids=["declared", "chunked"],
)
def test_a_body_over_the_limit_is_answered_and_its_connection_closed_soon(
    server, request_bytes, monkeypatch
):
    """The answer comes at once, and the connection ends a body's pause (`BODY_IDLE`, made
    short here) after the client has sent all it meant to (werkzeug reads the rest of a body
    the app left, so that the client sees the answer rather than a reset), not after the
    socket's 10 s."""
    monkeypatch.setattr("fakes.server.BODY_IDLE", 0.2)
    elapsed, status, body = _raw(server, request_bytes)
    assert (status, body["Code"]) == (400, "InvalidParameter")
    assert str(MAX_BODY) in body["Message"]
    assert elapsed < 0.2 + 2


def test_a_bad_chunk_size_is_refused(server):
    request = (
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"zz\r\nAction=DescribeInstances\r\n0\r\n\r\n"
    )
    _, status, body = _raw(server, request)
    assert (status, body["Code"]) == (400, "InvalidParameter")
    assert "chunked" in body["Message"]


def test_a_request_line_over_the_limit_gets_the_envelope(server, http):
    pad = "a" * (MAX_REQUEST_LINE + 1)
    answer = http.get(server.url, params={"Action": "X", "Pad": pad}, timeout=10)
    assert answer.headers["Content-Type"].startswith("application/json")
    assert _refusal(answer) == (414, "InvalidParameter")
    assert str(MAX_REQUEST_LINE) in answer.json()["Message"]


@pytest.mark.parametrize(
    "headers",
    [{"X-Big": "a" * 70_000}, {f"X-Many-{n}": "a" for n in range(120)}],
    ids=["one-long-header", "too-many-headers"],
)
def test_oversized_headers_get_the_envelope(server, http, headers):
    answer = http.get(server.url, headers=headers, timeout=5)
    assert _refusal(answer) == (431, "InvalidParameter")


def test_a_thousand_statement_policy_is_refused_for_its_length(server, ram_as, root):
    """The SDK sends PolicyDocument in the query: 1,000 statements make a request line longer
    than http.server's 64 KiB, which answered with an HTML page the SDK could not parse. The
    server reads longer lines, so RAM's own limit (6,144 characters) answers."""
    statement = {"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}
    document = json.dumps({"Version": "1", "Statement": [statement] * 1000})
    assert len(document) > 65_536
    with pytest.raises(ClientException) as refused:
        ram_as(root).create_policy(
            ram_models.CreatePolicyRequest(policy_name="big", policy_document=document)
        )
    assert (refused.value.code, refused.value.status_code) == (
        "InvalidParameter.PolicyDocument.Length",
        400,
    )


def test_the_access_log_holds_method_path_and_action_only(server, root, http, caplog):
    """A canary secret after a `%22` in the query (an OOS secret's `Value`, a V2 signature)
    never reaches the log; the log still says what was asked."""
    caplog.set_level(logging.INFO, logger="werkzeug")
    canary = "canary-5e1c7f0a9b"
    oos = OosClient(sdk_config(server, root))
    oos.create_secret_parameter(
        oos_models.CreateSecretParameterRequest(
            region_id=REGION, name="axtSecretPassword", value=f'"{canary}" pass', type="Secret"
        )
    )
    params = v2_signed(root, "GET", {**LIST, "Note": f'"{canary}'})
    http.get(server.url, params=params, timeout=5)
    http.get(f"{server.url}/%22?Signature=%22{canary}&Action=%22{canary}", timeout=5)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert canary not in logged
    assert params["Signature"] not in logged
    assert '"POST / CreateSecretParameter" 200' in logged
    assert '"GET / DescribeInstances"' in logged


def test_the_access_log_shows_no_signature_or_key(server, root, http, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    params = v2_signed(root, "GET", LIST)
    assert http.get(server.url, params=params, timeout=5).status_code == 200
    assert http.get(f"{server.url}/?Signature=abc&&&", timeout=5).status_code == 400
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert '"GET / DescribeInstances" 200' in logged
    for secret in (params["Signature"], root[0], "Signature="):
        assert secret not in logged
    assert json.dumps(params["Signature"]) not in logged


@pytest.mark.parametrize(("level", "logs"), [(logging.NOTSET, True), (logging.WARNING, False)])
def test_the_access_log_follows_werkzeugs_level(server, root, http, caplog, level, logs):
    """A request's line is written while werkzeug's logger takes INFO, or has no level of its
    own (werkzeug then sets INFO), and not once a level above INFO is set (the suite's server)."""
    caplog.set_level(logging.INFO)  # the root logger takes INFO, so NOTSET passes lines on
    werkzeug_log = logging.getLogger("werkzeug")
    kept = werkzeug_log.level
    werkzeug_log.setLevel(level)
    try:
        params = v2_signed(root, "GET", LIST)
        assert http.get(server.url, params=params, timeout=5).status_code == 200
    finally:
        werkzeug_log.setLevel(kept)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any('"GET / DescribeInstances" 200' in line for line in lines) is logs


def test_a_client_that_expects_100_continue_gets_it_before_it_sends_the_body(server):
    """Found by review: with the answer buffered, `100 Continue` stayed in the buffer, and a
    client waiting for it (curl, .NET, aiohttp's expect100) sent its body only after a
    timeout, or was refused for a body it had not sent yet."""
    body = b"Action=DescribeInstances&Version=2014-05-26&RegionId=" + REGION.encode()
    head = (
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Expect: 100-continue\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(head)
        raw.settimeout(BODY_IDLE / 2)  # well before the server would give up on the body
        interim = raw.recv(65536)
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim
        raw.settimeout(5)
        raw.sendall(body)
        reply = interim
        while chunk := raw.recv(65536):
            reply += chunk
    final = reply.split(b"HTTP/1.1 ")[-1]
    status, _, rest = final.partition(b" ")
    answer = json.loads(rest.partition(b"\r\n\r\n")[2])
    # the body was read whole: unsigned, so refused for that, not for a short body
    assert (int(status), answer["Code"]) == (400, "IncompleteSignature"), answer


def test_a_client_that_hangs_up_at_once_leaves_no_traceback(server, capfd):
    """Found by review: the answer left in the buffer of a connection the client reset was
    flushed again as the handler closed, and socketserver printed the BrokenPipeError."""
    for _ in range(5):
        raw = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        raw.sendall(b"GET /_fake/state HTTP/1.1\r\nHost: x\r\n\r\n")
        raw.close()  # a reset, before the answer is read
    time.sleep(0.5)  # the handlers write into the reset connections and close them
    err = capfd.readouterr().err
    assert "Traceback" not in err, err
    assert "Exception occurred" not in err, err
