"""Fixtures for the standalone server's tests: a server on a free loopback port (a new account
each test), the official V3 SDK clients, the legacy V2 client, and a plain HTTP session."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient

from fakes.server import FakeServer

from ._support import Key, LegacyClient, sdk_config

GUIDE_POLICIES = Path(__file__).resolve().parents[2] / "features" / "policies"


@pytest.fixture
def root(server: FakeServer) -> Key:
    """The account owner's AccessKey (not subject to RAM)."""
    return server.cloud.root_access_key


@pytest.fixture
def ecs_as(server: FakeServer) -> Callable[[Key], EcsClient]:
    return lambda key: EcsClient(sdk_config(server, key))


@pytest.fixture
def ram_as(server: FakeServer) -> Callable[[Key], RamClient]:
    return lambda key: RamClient(sdk_config(server, key))


@pytest.fixture
def legacy_as(server: FakeServer) -> Iterator[Callable[[Key], LegacyClient]]:
    """`legacy_as(key)`: an aliyun-python-sdk-core client signing V2 with that key."""
    made: list[LegacyClient] = []

    def make(key: Key) -> LegacyClient:
        made.append(LegacyClient(server, key))
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A plain HTTP client, for what no SDK sends: hand-made and malformed requests."""
    with requests.Session() as session:
        session.trust_env = False  # a loopback server: no proxy from the environment
        yield session


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def command_user(ram_as: Callable[[Key], RamClient], root: Key) -> Key:
    """The guide's commandUser under the allow-list policy and AliyunECSReadOnlyAccess."""
    ram = ram_as(root)
    ram.create_user(ram_models.CreateUserRequest(user_name="commandUser"))
    document = (GUIDE_POLICIES / "commandUserPolicy.allowlist.json").read_text()
    ram.create_policy(
        ram_models.CreatePolicyRequest(policy_name="commandUserPolicy", policy_document=document)
    )
    for kind, name in (("Custom", "commandUserPolicy"), ("System", "AliyunECSReadOnlyAccess")):
        ram.attach_policy_to_user(
            ram_models.AttachPolicyToUserRequest(
                policy_type=kind, policy_name=name, user_name="commandUser"
            )
        )
    key = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name="commandUser"))
    return key.body.access_key.access_key_id, key.body.access_key.access_key_secret
