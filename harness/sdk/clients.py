"""Official SDK clients per principal. The secret stays inside `AccessKey` (it has no repr) or
inside the credentials client of the standard chain (harness/credentials.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_oos20190601.client import Client as OosClient
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_resourcedirectorymaster20220419.client import Client as DirectoryClient
from alibabacloud_resourcemanager20200331.client import Client as ResourceManagerClient
from alibabacloud_sts20150401.client import Client as StsClient
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
    """A named identity the spec talks about (`commandUser`, `the administrator`): signing
    either with an AccessKey the harness holds (one it created, or the fake's) or through an
    `alibabacloud_credentials` client (the standard chain, which refreshes STS tokens)."""

    name: str
    key: AccessKey | None = field(default=None, repr=False)
    credential: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Endpoint:
    """Where every SDK call goes instead of Alibaba's own hosts, e.g. a fake cloud server."""

    host: str  # `host:port`, as the SDK's `endpoint` takes it
    protocol: str = "HTTP"  # or "HTTPS"

    @classmethod
    def from_url(cls, url: str) -> Endpoint:
        """`http://127.0.0.1:8080` -> Endpoint("127.0.0.1:8080", "HTTP")."""
        scheme, _, rest = url.partition("://")
        return cls(rest.rstrip("/"), scheme.upper())


def _config(principal: Principal, region: str, endpoint: Endpoint | None = None) -> Config:
    key = principal.key
    if key is not None:
        config = Config(
            access_key_id=key.access_key_id, access_key_secret=key.secret, region_id=region
        )
    else:
        config = Config(credential=principal.credential, region_id=region)
    if endpoint is not None:
        config.endpoint = endpoint.host
        config.protocol = endpoint.protocol
    return config


def ecs_client(principal: Principal, region: str, endpoint: Endpoint | None = None) -> EcsClient:
    return EcsClient(_config(principal, region, endpoint))


def ram_client(principal: Principal, region: str, endpoint: Endpoint | None = None) -> RamClient:
    return RamClient(_config(principal, region, endpoint))


def oos_client(principal: Principal, region: str, endpoint: Endpoint | None = None) -> OosClient:
    return OosClient(_config(principal, region, endpoint))


def resource_manager_client(
    principal: Principal, region: str, endpoint: Endpoint | None = None
) -> ResourceManagerClient:
    return ResourceManagerClient(_config(principal, region, endpoint))


def directory_client(
    principal: Principal, region: str, endpoint: Endpoint | None = None
) -> DirectoryClient:
    """Resource Directory (control policies), as the management account calls it."""
    return DirectoryClient(_config(principal, region, endpoint))


def sts_client(principal: Principal, region: str, endpoint: Endpoint | None = None) -> StsClient:
    return StsClient(_config(principal, region, endpoint))


@dataclass(frozen=True)
class Clients:
    """One principal's SDK clients: RAM, ECS and OOS by region, Resource Manager and Resource
    Directory."""

    caller: str
    ram: RamClient
    ecs: Callable[[str], EcsClient]
    oos: Callable[[str], OosClient]
    resource_manager: ResourceManagerClient | None = None
    directory: DirectoryClient | None = None

    @classmethod
    def of(cls, principal: Principal, region: str, endpoint: Endpoint | None) -> Clients:
        """`principal`'s clients; RAM is global, ECS and OOS are made once per region."""
        return cls(
            principal.name,
            ram_client(principal, region, endpoint),
            ecs=cache(lambda where: ecs_client(principal, where, endpoint)),
            oos=cache(lambda where: oos_client(principal, where, endpoint)),
            resource_manager=resource_manager_client(principal, region, endpoint),
            directory=directory_client(principal, region, endpoint),
        )
