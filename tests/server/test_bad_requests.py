"""Bad requests get Alibaba's error envelope, never a traceback, and the server keeps serving."""

from __future__ import annotations

import json
import logging
import socket

import pytest
from alibabacloud_ecs20140526 import models as ecs_models

from fakes.server import MAX_BODY

from ._support import REGION, v2_signed

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


def test_a_request_that_is_not_http(server):
    """Not even HTTP: http.server's plain 400 page (no envelope: it is not an API request)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"\x16\x03\x01 not http at all\r\n\r\n")
        reply = raw.recv(4096)
    assert b"400" in reply


def test_the_access_log_shows_no_signature_or_key(server, root, http, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    params = v2_signed(root, "GET", LIST)
    assert http.get(server.url, params=params, timeout=5).status_code == 200
    assert http.get(f"{server.url}/?Signature=abc&&&", timeout=5).status_code == 400
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET /?..." in logged
    for secret in (params["Signature"], root[0], "Signature="):
        assert secret not in logged
    assert json.dumps(params["Signature"]) not in logged
