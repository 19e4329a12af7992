"""A bounded, seeded fuzz of the standalone server over loopback: signed requests with hostile
parameters, garbled V3 headers, mutated raw HTTP and control-plane bodies. Whatever comes in,
the answer is JSON, never a 500, an HTML page or a traceback, and the server keeps serving.

A few thousand requests in well under 20 s; the seed is fixed, so a failure replays exactly
(`FUZZ_SEED` picks another)."""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import string
from collections.abc import Callable

import pytest
import requests

from fakes.server import FakeServer

from ._support import REGION, v2_signed

SEED = int(os.environ.get("FUZZ_SEED", "20261201"))

VERSIONS = {
    "ecs": "2014-05-26",
    "ram": "2015-05-01",
    "sts": "2015-04-01",
    "oos": "2019-06-01",
    "kms": "2016-01-20",
}
ACTIONS = {
    "ecs": [
        "RunCommand",
        "InvokeCommand",
        "CreateCommand",
        "DeleteCommand",
        "DescribeCommands",
        "DescribeInstances",
        "DescribeInvocations",
        "DescribeInvocationResults",
        "StopInvocation",
        "DescribeCloudAssistantStatus",
        "AttachInstanceRamRole",
        "DescribeInstanceRamRole",
    ],
    "ram": [
        "CreateUser",
        "GetUser",
        "ListUsers",
        "CreatePolicy",
        "GetPolicy",
        "CreatePolicyVersion",
        "AttachPolicyToUser",
        "CreateAccessKey",
        "UpdateAccessKey",
        "CreateRole",
        "ListPolicies",
    ],
    "sts": ["AssumeRole", "GetCallerIdentity"],
    "oos": ["CreateSecretParameter", "GetSecretParameter", "ListSecretParameters"],
    "kms": ["GetSecretValue", "Encrypt", "Decrypt", "ListKeys"],
}
#: Real parameter names, and list indexes no SDK writes (superscript, Arabic-Indic, fullwidth).
NAMES = [
    *("InstanceId.1", "InstanceId.2", "InstanceId.01", "InstanceId.0", "InstanceId."),
    *("InstanceId.\u00b2", "InstanceId.\u0661", "InstanceId.\uff11", "Tag.1.Key", "Tag.3.Value"),
    *("RegionId", "InstanceIds", "Type", "CommandContent", "Username", "ContentEncoding"),
    *("Timeout", "KeepCommand", "EnableParameter", "Parameters", "WindowsPasswordName"),
    *("CommandId", "InvokeId", "Name", "Value", "UserName", "PolicyName", "PolicyDocument"),
    *("PolicyType", "RoleName", "AssumeRolePolicyDocument", "RoleArn", "RoleSessionName"),
    *("Policy", "DurationSeconds", "SecretName", "PageSize", "PageNumber", "MaxItems"),
    *("Marker", "Status", "UserAccessKeyId", "WithDecryption", "RepeatMode", "Frequency"),
    *("Action", "Version", "Signature"),
]


def _value(rng: random.Random) -> str:
    pick = rng.randrange(14)
    if pick == 0:
        return ""
    if pick == 1:
        return "x" * rng.choice([1, 255, 256, 4096, 20_000])
    if pick == 2:
        return "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(1, 40)))
    if pick == 3:
        return str(rng.choice([-1, 0, 1, 2**31, 2**63, 10**30]))
    if pick == 4:
        return rng.choice(["true", "True", "false", "yes", "null", "NaN", "1e309"])
    if pick == 5:  # deeply nested JSON: a RecursionError waiting to happen
        depth = rng.choice([10, 1000, 5000])
        return "[" * depth + "]" * depth
    if pick == 6:
        return json.dumps({"Version": "1", "Statement": rng.choice([[], [{}], "x", None])})
    if pick == 7:
        return rng.choice(["root", "System", "user01", "../../etc/passwd", "a;rm -rf /"])
    if pick == 8:
        return "".join(rng.choice("\x00\x01\r\n\t\"'\\%&=+#") for _ in range(8))
    if pick == 9:
        return rng.choice(["RunShellScript", "RunBatScript", "RunPowerShellScript", "Nope"])
    if pick == 10:
        return rng.choice(["Base64", "PlainText", "d2hvYW1p", "!!!"])
    if pick == 11:
        return json.dumps({rng.choice(["a", "b"]): rng.choice([1, "x", [], {}])})
    return "".join(rng.choice(string.printable) for _ in range(rng.randrange(1, 30)))


def _params(rng: random.Random) -> dict[str, str]:
    product = rng.choice(sorted(ACTIONS))
    params = {
        "Action": rng.choice(ACTIONS[product]),
        "Version": VERSIONS[product] if rng.random() < 0.95 else _value(rng),
        "RegionId": REGION if rng.random() < 0.8 else _value(rng),
    }
    for _ in range(rng.randrange(0, 8)):
        params[rng.choice(NAMES)] = _value(rng)
    return params


def _signed(rng: random.Random, server: FakeServer, http: requests.Session) -> requests.Response:
    """V2-signed with the root key: past authentication, into the services."""
    method = rng.choice(["GET", "POST"])
    params = v2_signed(server.cloud.root_access_key, method, _params(rng))
    if method == "POST" and rng.random() < 0.5:
        return http.post(server.url, data=params, timeout=5)
    return http.request(method, server.url, params=params, timeout=5)


def _garbled_v3(
    rng: random.Random, server: FakeServer, http: requests.Session
) -> requests.Response:
    product = rng.choice(sorted(ACTIONS))
    headers = {
        "x-acs-action": rng.choice(ACTIONS[product]),
        "x-acs-version": VERSIONS[product],
        "x-acs-date": rng.choice(["2026-12-01T00:00:00Z", "nope", ""]),
        "x-acs-signature-nonce": rng.choice(["", "n", "x" * 300]),
        "x-acs-content-sha256": rng.choice(["", "e3b0", "z" * 64]),
        "authorization": rng.choice(
            [
                "",
                "ACS3-HMAC-SHA256",
                "ACS3-HMAC-SM3 Credential=LTAI,SignedHeaders=Host;;x,Signature=00",
                "ACS3-HMAC-SHA256 Credential=,SignedHeaders=,Signature=",
                "ACS3-RSA-SHA256 Credential=a,SignedHeaders=host,Signature=b",
                f"ACS3-HMAC-SHA256 Credential={server.cloud.root_access_key[0]},"
                "SignedHeaders=host;x-acs-action,Signature=" + "0" * 64,
                "Basic dXNlcjpwYXNz",
            ]
        ),
    }
    headers = {k: v for k, v in headers.items() if v or rng.random() < 0.3}
    query = {rng.choice(NAMES): _value(rng) for _ in range(rng.randrange(0, 4))}
    return http.post(server.url, headers=headers, params=query, timeout=5)


def _control(rng: random.Random, server: FakeServer, http: requests.Session) -> requests.Response:
    path = rng.choice(["instances", "faults", "account", "state", "nope", "instances/x"])
    body = rng.choice(
        [
            b"",
            b"{",
            b"[]",
            b"[" * 5000 + b"]" * 5000,
            b'{"os": "linux", "users": ' + b"[" * 3000 + b"]" * 3000 + b"}",
            json.dumps({"os": _value(rng), "users": [_value(rng)]}).encode(),
            json.dumps({"action": "*", "code": _value(rng), "status": 0, "times": -1}).encode(),
            bytes(rng.randrange(256) for _ in range(40)),
        ]
    )
    return http.post(f"{server.url}/_fake/{path}", data=body, timeout=5)


_TEMPLATE = (
    b"POST /?Action=DescribeInstances&Version=2014-05-26 HTTP/1.1\r\nHost: h\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 13\r\n\r\n"
    b"RegionId=cn-x"
)


def _mutated(rng: random.Random) -> bytes:
    data = bytearray(_TEMPLATE)
    for _ in range(rng.randrange(1, 6)):
        at = rng.randrange(len(data))
        how = rng.randrange(4)
        if how == 0:
            data[at] = rng.randrange(256)
        elif how == 1:
            data[at:at] = rng.choice([b"\r\n", b" ", b"%", b"\x00", b":", b"0" * 50, b"\xff"])
        elif how == 2:
            del data[at : at + rng.randrange(1, 10)]
        else:
            data[at:at] = rng.choice(
                [
                    b"Transfer-Encoding: chunked\r\n",
                    b"Content-Length: 99999999999\r\n",
                    b"Content-Length: -1\r\n",
                    b"x-acs-action: \xc3\x28\r\n",
                    b"Host: [::1\r\n",
                ]
            )
    return bytes(data)


def _raw(server: FakeServer, data: bytes) -> bytes:
    """Send, half-close (so a short body ends at once), read the whole answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(data)
        raw.shutdown(socket.SHUT_WR)
        reply = b""
        try:
            while chunk := raw.recv(65536):
                reply += chunk
        except ConnectionResetError:
            pass
    return reply


def _check(status: int, content_type: str, body: bytes, what: str) -> None:
    assert status < 500, f"{what}: HTTP {status}: {body[:300]!r}"
    assert b"Traceback" not in body, what
    assert b"<html" not in body.lower(), what
    assert content_type.startswith("application/json"), f"{what}: {content_type}"
    json.loads(body)


@pytest.fixture
def quiet_server(server, caplog):
    """The server, with the fake's own error log watched: a logged exception is a failure."""
    caplog.set_level(logging.ERROR, logger="fakes")
    yield server
    errors = [r for r in caplog.records if r.name == "fakes" and r.levelno >= logging.ERROR]
    assert not errors, errors[0].getMessage()


def test_fuzzed_requests_get_json_answers_and_the_server_survives(quiet_server, http):
    server = quiet_server
    rng = random.Random(SEED)
    senders: list[tuple[int, Callable[..., requests.Response]]] = [
        (1200, _signed),
        (500, _garbled_v3),
        (300, _control),
    ]
    for count, send in senders:
        for n in range(count):
            answer = send(rng, server, http)
            what = f"{send.__name__} #{n} (seed {SEED})"
            _check(answer.status_code, answer.headers.get("Content-Type", ""), answer.content, what)
    for n in range(1000):
        data = _mutated(rng)
        reply = _raw(server, data)
        what = f"raw #{n} (seed {SEED}): {data[:120]!r}"
        if not reply:  # the server may drop what is not HTTP at all, but never die of it
            continue
        head, _, body = reply.partition(b"\r\n\r\n")
        status_line, *header_lines = head.split(b"\r\n")
        status = int(status_line.split()[1])
        content_type = next(
            (
                line.split(b":", 1)[1].strip().decode()
                for line in header_lines
                if line.lower().startswith(b"content-type:")
            ),
            "",
        )
        _check(status, content_type, body, what)
    # Still serving: the account answers a good request.
    good = {"Action": "DescribeInstances", "Version": "2014-05-26", "RegionId": REGION}
    params = v2_signed(server.cloud.root_access_key, "GET", good)
    assert http.get(server.url, params=params, timeout=5).status_code == 200
