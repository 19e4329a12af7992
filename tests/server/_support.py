"""What the server's tests share besides fixtures: the clients people point at the server, set
up the way a user would, and a V2 signer for requests no SDK makes on purpose."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from alibabacloud_tea_openapi.models import Config
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest

from fakes.server import FakeServer

REGION = "cn-hangzhou"
ECS_VERSION = "2014-05-26"

Key = tuple[str, str]


def sdk_config(server: FakeServer, key: Key) -> Config:
    """The official SDK pointed at the server: `endpoint="127.0.0.1:PORT"`, `protocol="HTTP"`.

    Short timeouts: a server that stops answering fails a test, never hangs it."""
    return Config(
        access_key_id=key[0],
        access_key_secret=key[1],
        region_id=REGION,
        endpoint=server.endpoint,
        protocol="HTTP",
        connect_timeout=5000,
        read_timeout=5000,
    )


class LegacyClient:
    """aliyun-python-sdk-core's `AcsClient` with `CommonRequest`, as V2 scripts use them."""

    def __init__(self, server: FakeServer, key: Key) -> None:
        self._server = server
        self._client = AcsClient(
            key[0], key[1], REGION, auto_retry=False, connect_timeout=5, timeout=5
        )

    def request(
        self, action: str, method: str = "POST", version: str = ECS_VERSION, **query: str
    ) -> CommonRequest:
        request = CommonRequest()
        request.set_domain(self._server.endpoint)
        request.set_protocol_type("http")
        request.set_method(method)
        request.set_version(version)
        request.set_action_name(action)
        for name, value in query.items():
            request.add_query_param(name, value)
        return request

    def send(self, request: CommonRequest) -> dict[str, Any]:
        return json.loads(self._client.do_action_with_exception(request))

    def call(
        self, action: str, method: str = "POST", version: str = ECS_VERSION, **query: str
    ) -> dict[str, Any]:
        return self.send(self.request(action, method, version, **query))

    def close(self) -> None:
        """Close the pooled connections now, not whenever the client is collected."""
        self._client.session.close()


def v2_signed(key: Key, method: str, params: dict[str, str]) -> dict[str, str]:
    """`params` plus the V2 protocol fields and `Signature`, computed as Alibaba's signature
    document spells it out, independently of `fakes`; `params` may override any field."""

    def encode(text: str) -> str:
        return quote(text, safe="~")

    signed = {
        "Format": "JSON",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": uuid.uuid4().hex,
        "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "AccessKeyId": key[0],
        **params,
    }
    canonical = "&".join(f"{encode(k)}={encode(v)}" for k, v in sorted(signed.items()))
    to_sign = f"{method}&%2F&{encode(canonical)}"
    digest = hmac.new(f"{key[1]}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return {**signed, "Signature": base64.b64encode(digest).decode()}


def final_result(
    poll: Callable[[str], dict[str, Any]], invoke_id: str, polls: int = 10
) -> dict[str, Any]:
    """Poll until the run is final; the fake's virtual clock gets there within 10 polls."""
    for _ in range(polls):
        result = poll(invoke_id)
        if result["InvocationStatus"] not in ("Pending", "Running"):
            return result
    raise AssertionError(f"`{invoke_id}` is still running after {polls} polls")
