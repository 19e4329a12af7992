"""Fixtures for the fake cloud's tests: official SDK clients per principal, RAM users, instances.

Everything here goes through the public contract (`FakeCloud`, the `fake_cloud` fixture) and the
unchanged official SDKs; nothing reaches into the fake's services.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.models import Config

from fakes import FakeCloud

REGION = "cn-hangzhou"
GUIDE_POLICIES = Path(__file__).resolve().parents[2] / "features" / "policies"

Key = tuple[str, str]


def sdk_config(key: Key, region: str = REGION) -> Config:
    key_id, secret = key
    return Config(access_key_id=key_id, access_key_secret=secret, region_id=region)


@pytest.fixture
def cloud(fake_cloud: FakeCloud) -> FakeCloud:
    """A started fake account (the plugin's `fake_cloud`), under a shorter name."""
    return fake_cloud


@pytest.fixture
def ecs_as() -> Callable[..., EcsClient]:
    """`ecs_as(key, region=...)`: an official ECS client signing with that AccessKey."""

    def make(key: Key, region: str = REGION) -> EcsClient:
        return EcsClient(sdk_config(key, region))

    return make


@pytest.fixture
def ram_as() -> Callable[[Key], RamClient]:
    """`ram_as(key)`: an official RAM client signing with that AccessKey."""

    def make(key: Key) -> RamClient:
        return RamClient(sdk_config(key))

    return make


@pytest.fixture
def ecs(cloud: FakeCloud, ecs_as: Callable[..., EcsClient]) -> EcsClient:
    """ECS as the account owner (not subject to RAM)."""
    return ecs_as(cloud.root_access_key)


@pytest.fixture
def ram(cloud: FakeCloud, ram_as: Callable[[Key], RamClient]) -> RamClient:
    """RAM as the account owner (not subject to RAM)."""
    return ram_as(cloud.root_access_key)


@pytest.fixture
def linux(cloud: FakeCloud) -> str:
    """A Linux instance in cn-hangzhou with the guide's OS users `user01` and `user02`."""
    return cloud.add_instance(os="linux", region=REGION, users=["user01", "user02"])


@pytest.fixture
def windows(cloud: FakeCloud) -> str:
    """A Windows instance in cn-hangzhou with `user01` (password `Passw0rd!`)."""
    return cloud.add_instance(os="windows", region=REGION, users={"user01": "Passw0rd!"})


@pytest.fixture(scope="session")
def guide_policy() -> Callable[[str], str]:
    """`guide_policy("allowlist" | "denylist")`: the guide's commandUserPolicy document text."""

    def read(flavour: str) -> str:
        return (GUIDE_POLICIES / f"commandUserPolicy.{flavour}.json").read_text()

    return read


@pytest.fixture
def ram_user(ram: RamClient) -> Callable[..., Key]:
    """`ram_user(name, custom={policy: document}, system=[policy])`: a RAM user and its key.

    Made by the account owner through the RAM API, exactly as an administrator would.
    """

    def make(
        name: str,
        custom: Mapping[str, str] | None = None,
        system: Sequence[str] = (),
    ) -> Key:
        ram.create_user(ram_models.CreateUserRequest(user_name=name))
        for policy_name, document in (custom or {}).items():
            ram.create_policy(
                ram_models.CreatePolicyRequest(policy_name=policy_name, policy_document=document)
            )
            ram.attach_policy_to_user(
                ram_models.AttachPolicyToUserRequest(
                    policy_type="Custom", policy_name=policy_name, user_name=name
                )
            )
        for policy_name in system:
            ram.attach_policy_to_user(
                ram_models.AttachPolicyToUserRequest(
                    policy_type="System", policy_name=policy_name, user_name=name
                )
            )
        key = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name=name)).body
        return key.access_key.access_key_id, key.access_key.access_key_secret

    return make


@pytest.fixture
def run_command(ecs: EcsClient) -> Callable[..., ecs_models.RunCommandResponseBody]:
    """`run_command(instance, script, client=ecs, **fields)`: RunCommand, plain-text content."""

    def run(
        instance_id: str | Sequence[str],
        script: str,
        client: EcsClient | None = None,
        **fields: object,
    ) -> ecs_models.RunCommandResponseBody:
        ids = [instance_id] if isinstance(instance_id, str) else list(instance_id)
        request = ecs_models.RunCommandRequest(
            region_id=REGION,
            type=fields.pop("type", "RunShellScript"),
            command_content=script,
            content_encoding=fields.pop("content_encoding", "PlainText"),
            instance_id=ids,
            **fields,
        )
        return (client or ecs).run_command(request).body

    return run
