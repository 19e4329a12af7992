"""What leaves an instance with its RAM role, as the cloud sees it: the Cloud Assistant agent's
calls (A5), and the instance metadata service that hands the role's credentials to any program
on the instance.

For a Windows user other than System, the agent reads the logon password from OOS with the
instance RAM role's temporary credentials; the read is authorized by the same policy engine as
any request, so a role that may not read the parameter fails the same way it would for real.
The metadata service (`InstanceMetadata`) answers `curl http://100.100.100.200/...` in the guest:
the credentials it hands out are real STS sessions of the fake, authorized as the role.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

from fakes.access import PolicyAuthorizer, global_context
from fakes.clock import iso
from fakes.errors import ApiError
from fakes.services.base import Call, Principal
from fakes.services.ecs.state import Instance
from fakes.services.oos import OosService
from fakes.services.ram import RamService
from fakes.services.ram.state import Role
from fakes.services.sts import Session, StsService
from fakes.wire.rpc import Params

#: The instance metadata service's address: where the agent's requests appear to come from.
METADATA_ADDRESS = "100.100.100.200"
#: Where the metadata service lists the instance's role, and serves its credentials below
#: (https://help.aliyun.com/zh/ecs/user-guide/obtain-a-temporary-authorization-token).
CREDENTIALS_PATH = "/latest/meta-data/ram/security-credentials/"
#: How long the credentials it hands out last, and how long before that it renews them (A71;
#: the credentials SDK counts them stale 15 minutes before Expiration, provider/ecs_ram_role.py).
CREDENTIALS_LIFETIME = timedelta(hours=1)
RENEW_BEFORE = timedelta(minutes=15)
#: What the fake answers for a path it does not serve, or a role the instance does not hold (A70).
NOT_FOUND = (
    '<?xml version="1.0" encoding="iso-8859-1"?>\n'
    "<html><head><title>404 - Not Found</title></head>"
    "<body><h1>404 - Not Found</h1></body></html>"
)


def ecs_role(ram: RamService, name: str | None) -> Role | None:
    """The instance's role, when it still exists and still trusts ECS; None otherwise."""
    role = ram.role(name or "")
    if role is None or not role.trust.trusts_service("ecs.aliyuncs.com"):
        return None
    return role


class InstanceMetadata:
    """100.100.100.200 as one instance sees it: implements `fakes.guest.MetadataService`.

    It asks nothing of the caller, so any local user reads the role's credentials. They are an
    STS session named `vm-ram-<instance id>` (A71), valid for an hour and renewed 15 minutes
    before they expire; the same credentials are handed out until then, as the real service
    does between its periodic renewals."""

    def __init__(
        self, instance: Instance, ram: RamService, sts: StsService, now: Callable[[], datetime]
    ) -> None:
        self._instance = instance
        self._ram = ram
        self._sts = sts
        self._now = now
        self._session: Session | None = None

    def get(self, path: str) -> tuple[int, str]:
        instance = self._instance
        plain = {
            "/latest/meta-data/instance-id": instance.instance_id,
            "/latest/meta-data/region-id": instance.region,
            "/latest/meta-data/hostname": instance.guest.hostname,
        }
        if path in plain:
            return 200, plain[path]
        role = ecs_role(self._ram, instance.ram_role)
        if role is None or not path.startswith(CREDENTIALS_PATH.rstrip("/")):
            return 404, NOT_FOUND
        wanted = path.removeprefix(CREDENTIALS_PATH.rstrip("/")).strip("/")
        if not wanted:
            return 200, role.name
        if wanted != role.name:
            return 404, NOT_FOUND
        session = self._credentials(role)
        return 200, json.dumps(
            {
                "AccessKeyId": session.access_key_id,
                "AccessKeySecret": session.secret,
                "Expiration": iso(session.expires),
                "SecurityToken": session.token,
                "LastUpdated": iso(session.expires - CREDENTIALS_LIFETIME),
                "Code": "Success",
            },
            indent=2,
        )

    def _credentials(self, role: Role) -> Session:
        now = self._now()
        held = self._session
        if held is None or held.role != role.name or now >= held.expires - RENEW_BEFORE:
            seconds = int(CREDENTIALS_LIFETIME.total_seconds())
            held = self._sts.issue(role, f"vm-ram-{self._instance.instance_id}", now, seconds)
            self._session = held
        return held


class CloudAssistantAgent:
    """Implements `fakes.services.ecs.base.Agent` over the account's RAM, STS and OOS."""

    def __init__(
        self, ram: RamService, sts: StsService, oos: OosService, authorizer: PolicyAuthorizer
    ) -> None:
        self._ram = ram
        self._sts = sts
        self._oos = oos
        self._authorizer = authorizer

    def password(self, instance: Instance, parameter: str, now: datetime) -> str | None:
        """The decrypted parameter, or None when the instance has no usable role, the role may
        not read it, or it is not in the instance's region."""
        role = ecs_role(self._ram, instance.ram_role)
        if role is None:
            return None
        session = self._sts.issue(role, "ecs-cloud-assistant", now)
        agent = Principal(
            "AssumedRoleUser",
            role.name,
            f"{role.role_id}:{session.name}",
            session.access_key_id,
            session=session.name,
        )
        call = Call(
            product="oos",
            action="GetSecretParameter",
            params=Params({"Name": parameter, "WithDecryption": "true"}),
            region=instance.region,
            caller=agent,
            now=now,
            authorizer=self._authorizer,
            global_context=global_context(now, secure=True, source_ip=METADATA_ADDRESS),
        )
        try:
            _, value = self._oos.read(call, parameter, decrypted=True)
        except ApiError:
            return None
        return value
