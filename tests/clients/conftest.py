"""Every client a user may point at the fake, each reaching one account two ways: in-process
(`FakeCloud()` intercepting its transport) and over HTTP (`python -m fakes serve`).

`account` is parametrized over both; a test written once proves both paths."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_tea_openapi.models import Config
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import AcsRequest

from fakes import FakeCloud, serve
from fakes.server import FakeServer

REGION = "cn-hangzhou"
GUIDE_POLICIES = Path(__file__).resolve().parents[2] / "features" / "policies"

Key = tuple[str, str]


@dataclass
class Account:
    """One fake account and how each client reaches it."""

    cloud: FakeCloud
    server: FakeServer | None  # None: in-process

    def config(self, key: Key) -> Config:
        """The official V3 SDK's config, pointed at the server when there is one."""
        config = Config(access_key_id=key[0], access_key_secret=key[1], region_id=REGION)
        if self.server is not None:
            config.endpoint, config.protocol = self.server.endpoint, "HTTP"
        return config

    def legacy(self, key: Key) -> Callable[[AcsRequest], dict[str, Any]]:
        """`send(request)`: an aliyun-python-sdk-core client's answer, as a dict."""
        client = AcsClient(key[0], key[1], REGION, auto_retry=False, connect_timeout=5, timeout=5)

        def send(request: AcsRequest) -> dict[str, Any]:
            if self.server is not None:
                request.set_endpoint(self.server.endpoint)
                request.set_protocol_type("http")
            return dict(json.loads(client.do_action_with_exception(request)))

        return send


@pytest.fixture(params=["in-process", "server"])
def account(request: pytest.FixtureRequest) -> Iterator[Account]:
    if request.param == "in-process":
        with FakeCloud() as cloud:
            yield Account(cloud, None)
    else:
        with serve("127.0.0.1", 0) as server:
            yield Account(server.cloud, server)


@pytest.fixture
def guide_policy() -> str:
    """The guide's allow-list commandUserPolicy."""
    return (GUIDE_POLICIES / "commandUserPolicy.allowlist.json").read_text()
