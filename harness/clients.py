"""Official SDK clients per principal. The secret stays inside `AccessKey`; it has no repr."""

from __future__ import annotations

from dataclasses import dataclass, field

from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.models import Config


@dataclass(frozen=True)
class AccessKey:
    """An AccessKey pair. `repr`/`str` show the id only: the secret never reaches a log."""

    access_key_id: str
    secret: str = field(repr=False)

    def __str__(self) -> str:
        return f"AccessKey({self.access_key_id})"


@dataclass(frozen=True)
class Principal:
    """A named identity the spec talks about (`commandUser`, `the administrator`)."""

    name: str
    key: AccessKey = field(repr=False)


def _config(key: AccessKey, region: str) -> Config:
    return Config(
        access_key_id=key.access_key_id,
        access_key_secret=key.secret,
        region_id=region,
    )


def ecs_client(principal: Principal, region: str) -> EcsClient:
    return EcsClient(_config(principal.key, region))


def ram_client(principal: Principal, region: str) -> RamClient:
    return RamClient(_config(principal.key, region))
