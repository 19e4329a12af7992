"""The Cloud Assistant agent's calls out of an instance, as the cloud sees them (A5).

For a Windows user other than System, the agent reads the logon password from OOS with the
instance RAM role's temporary credentials; the read is authorized by the same policy engine as
any request, so a role that may not read the parameter fails the same way it would for real.
"""

from __future__ import annotations

from datetime import datetime

from fakes.access import PolicyAuthorizer, global_context
from fakes.errors import ApiError
from fakes.services.base import Call, Principal
from fakes.services.ecs.state import Instance
from fakes.services.oos import OosService
from fakes.services.ram import RamService
from fakes.services.sts import StsService
from fakes.wire.rpc import Params

#: The instance metadata service's address: where the agent's requests appear to come from.
METADATA_ADDRESS = "100.100.100.200"


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
        role = self._ram.role(instance.ram_role or "")
        if role is None or not role.trust.trusts_service("ecs.aliyuncs.com"):
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
