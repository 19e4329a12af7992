"""A seeded fake is reproducible: `FakeCloud(seed=1)` twice, driven alike, makes the same ids."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_kms20160120 import models as kms_models
from alibabacloud_kms20160120.client import Client as KmsClient
from alibabacloud_oos20190601 import models as oos_models
from alibabacloud_oos20190601.client import Client as OosClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.models import Config

import fakes.clock
from fakes import FakeCloud

REGION = "cn-hangzhou"


def _drive(cloud: FakeCloud) -> dict[str, Any]:
    """One of everything that gets an id, through the official SDKs; the ids the SDKs saw."""
    key_id, secret = cloud.root_access_key
    config = Config(access_key_id=key_id, access_key_secret=secret, region_id=REGION)
    linux = cloud.add_instance(os="linux", region=REGION, users=["user01"])
    ram = RamClient(config)
    user = ram.create_user(ram_models.CreateUserRequest(user_name="someone")).body.user
    key = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name="someone")).body
    ran = (
        EcsClient(config)
        .run_command(
            ecs_models.RunCommandRequest(
                region_id=REGION,
                type="RunShellScript",
                command_content="whoami",
                instance_id=[linux],
            )
        )
        .body
    )
    parameter = (
        OosClient(config)
        .create_secret_parameter(
            oos_models.CreateSecretParameterRequest(region_id=REGION, name="pw", value="secret!")
        )
        .body
    )
    kms = KmsClient(config)
    sealed = kms.encrypt(
        kms_models.EncryptRequest(key_id=parameter.parameter.key_id, plaintext="hello")
    ).body
    return {
        "account": cloud.account_id,
        "root key": key_id,
        "instance": linux,
        "user": user.user_id,
        "access key": key.access_key.access_key_id,
        "command": ran.command_id,
        "invocation": ran.invoke_id,
        "request": ran.request_id,
        "parameter": parameter.parameter.id,
        "kms key": parameter.parameter.key_id,
        "ciphertext": sealed.ciphertext_blob,
    }


def test_the_same_seed_makes_the_same_ids() -> None:
    with FakeCloud(seed=1) as first:
        seen_first = _drive(first)
    with FakeCloud(seed=1) as second:
        seen_second = _drive(second)
    assert seen_first == seen_second
    with FakeCloud(seed=2) as other:
        seen_other = _drive(other)
    assert all(seen_other[name] != seen_first[name] for name in seen_first)


def test_the_same_seed_makes_the_same_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    # The virtual clock starts at the real current second: pin it, so both clouds start alike.
    start = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    class Pinned(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:
            return start

    monkeypatch.setattr(fakes.clock, "datetime", Pinned)
    snapshots = []
    for _ in range(2):
        with FakeCloud(seed=1) as cloud:
            _drive(cloud)
            snapshots.append(cloud.snapshot())
    assert snapshots[0] == snapshots[1]
    assert snapshots[0]["Clock"].startswith("2026-01-02T03:04")
