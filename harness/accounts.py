"""Provisioning what a scenario needs through the official SDKs, as an administrator would in
the console: RAM users with their policies and AccessKeys, OOS encrypted parameters, and
instance RAM roles. Each thing is written to the cleanup ledger the moment it exists, under the
name `Names` gives it (the spec's name, prefixed in a real account)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_oos20190601 import models as oos
from alibabacloud_oos20190601.client import Client as OosClient
from alibabacloud_ram20150501 import models as ram
from alibabacloud_ram20150501.client import Client as RamClient

from harness.api import Gateway
from harness.clients import AccessKey, Principal
from harness.errors import HarnessError
from harness.ledger import CleanupLedger, Resource
from harness.names import Names
from harness.policies import PolicyRef, resolve


class Provisioner(Protocol):
    """What the Given steps ask for: made (provision), or checked as it is (verify)."""

    def create_user(self, name: str, policy_labels: Sequence[str]) -> Principal: ...

    def secret_parameter(self, name: str, value: str, region: str) -> None: ...

    def instance_role(
        self, role: str, policy_label: str, instance_id: str, region: str
    ) -> None: ...


class RamProvisioner:
    def __init__(
        self,
        caller: str,
        client: RamClient,
        gateway: Gateway,
        ledger: CleanupLedger,
        policy_dir: Path,
        ecs_client: Callable[[], EcsClient] | None = None,
        oos_client: Callable[[str], OosClient] | None = None,
        names: Names | None = None,
    ) -> None:
        self._ecs_client = ecs_client
        self._oos_client = oos_client
        self._policy_dir = policy_dir
        self._caller = caller
        self._client = client
        self._gateway = gateway
        self._ledger = ledger
        self._names = names or Names()

    def _make(
        self,
        action: str,
        params: Mapping[str, object],
        send: Callable[[], Any],
        resource: Resource | None,
    ) -> Any:
        """One create call; what it created goes in the ledger before anything else happens."""
        answer = self._gateway.call(self._caller, action, params, send)
        if resource is not None:
            self._ledger.record(resource)
        return answer

    def create_user(self, name: str, policy_labels: Sequence[str]) -> Principal:
        """Create `name` with the policies attached and one AccessKey; return its principal
        (named as the spec names it; its key is fresh, so RAM may need a moment)."""
        refs = [resolve(label, self._policy_dir) for label in policy_labels]
        user = self._names.created(name)
        c = self._client
        self._make(
            "CreateUser",
            {"UserName": user},
            lambda: c.create_user(ram.CreateUserRequest(user_name=user, display_name=user)),
            Resource("user", user),
        )
        for ref in refs:
            self._attach(user, ref, role=False)
        response = self._gateway.call(
            self._caller,
            "CreateAccessKey",
            {"UserName": user},
            lambda: c.create_access_key(ram.CreateAccessKeyRequest(user_name=user)),
        )
        key = response.body.access_key
        key_id = str(key.access_key_id)
        self._ledger.record(Resource("access_key", key_id, detail={"UserName": user}))
        self._gateway.fresh.add(name)
        return Principal(name, AccessKey(key_id, str(key.access_key_secret)))

    def _policy_name(self, ref: PolicyRef) -> str:
        return ref.ram_name if ref.type == "System" else self._names.created(ref.ram_name)

    def _create_policy(self, ref: PolicyRef) -> None:
        c = self._client
        name = self._policy_name(ref)
        self._make(
            "CreatePolicy",
            {"PolicyName": name, "PolicyDocument": f"<{ref.label}.json>"},
            lambda: c.create_policy(
                ram.CreatePolicyRequest(policy_name=name, policy_document=ref.document)
            ),
            Resource("policy", name),
        )

    def _attach(self, holder: str, ref: PolicyRef, *, role: bool) -> None:
        """Attach a policy (created first when it is custom) to a user or a role."""
        if ref.type == "Custom":
            self._create_policy(ref)
        c = self._client
        name = self._policy_name(ref)
        who = "RoleName" if role else "UserName"
        params = {"PolicyType": ref.type, "PolicyName": name, who: holder}
        if role:
            send: Callable[[], Any] = lambda: c.attach_policy_to_role(  # noqa: E731
                ram.AttachPolicyToRoleRequest(
                    policy_type=ref.type, policy_name=name, role_name=holder
                )
            )
        else:
            send = lambda: c.attach_policy_to_user(  # noqa: E731
                ram.AttachPolicyToUserRequest(
                    policy_type=ref.type, policy_name=name, user_name=holder
                )
            )
        kind = "role_policy" if role else "user_policy"
        detail = {"PolicyType": ref.type, who: holder}
        self._make(
            f"AttachPolicyTo{'Role' if role else 'User'}",
            params,
            send,
            Resource(kind, name, detail=detail),
        )

    # ---- the Windows setup ----------------------------------------------------------------

    def secret_parameter(self, name: str, value: str, region: str) -> None:
        """An OOS encrypted parameter with the default service key; the value is never shown."""
        if self._oos_client is None:
            raise HarnessError("this backend cannot create OOS parameters")
        client = self._oos_client(region)
        made = self._names.created(name)
        self._make(
            "CreateSecretParameter",
            {"Name": made, "RegionId": region, "Value": value},
            lambda: client.create_secret_parameter(
                oos.CreateSecretParameterRequest(region_id=region, name=made, value=value)
            ),
            Resource("parameter", made, region=region),
        )

    def instance_role(self, role: str, policy_label: str, instance_id: str, region: str) -> None:
        """A RAM role trusted by ECS (`<role>.trust.json`), with one policy, on the instance."""
        if self._ecs_client is None:
            raise HarnessError("this backend cannot attach instance RAM roles")
        trust = self._policy_dir / f"{role}.trust.json"
        if not trust.is_file():
            raise HarnessError(f"no trust policy for role `{role}`: expected {trust}")
        c = self._client
        made = self._names.created(role)
        self._make(
            "CreateRole",
            {"RoleName": made, "AssumeRolePolicyDocument": f"<{trust.name}>"},
            lambda: c.create_role(
                ram.CreateRoleRequest(
                    role_name=made, assume_role_policy_document=trust.read_text(encoding="utf-8")
                )
            ),
            Resource("role", made),
        )
        self._attach(made, resolve(policy_label, self._policy_dir), role=True)
        self._attach_to_instance(made, instance_id, region)

    def _attach_to_instance(self, role: str, instance_id: str, region: str) -> None:
        assert self._ecs_client is not None
        client = self._ecs_client()
        ids = json.dumps([instance_id])
        answer = self._gateway.call(
            self._caller,
            "AttachInstanceRamRole",
            {"InstanceIds": ids, "RamRoleName": role},
            lambda: client.attach_instance_ram_role(
                ecs.AttachInstanceRamRoleRequest(
                    region_id=region, instance_ids=ids, ram_role_name=role
                )
            ),
        )
        if answer.body.fail_count:
            results = answer.body.attach_instance_ram_role_results.attach_instance_ram_role_result
            reasons = "; ".join(f"{r.instance_id}: {r.code} {r.message}" for r in results)
            raise HarnessError(
                f"could not attach role `{role}`: {reasons}: an instance holds one RAM role; "
                "detach the one it has, or use another instance"
            )
        self._ledger.record(
            Resource("instance_role", role, region=region, detail={"InstanceId": instance_id})
        )
