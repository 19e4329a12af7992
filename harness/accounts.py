"""Provisioning what a scenario needs through the official SDKs, as an administrator would in
the console: RAM users with their policies and AccessKeys, OOS encrypted parameters, and
instance RAM roles. Each thing is written to the cleanup ledger the moment it exists."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_oos20190601 import models as oos
from alibabacloud_oos20190601.client import Client as OosClient
from alibabacloud_ram20150501 import models as ram
from alibabacloud_ram20150501.client import Client as RamClient

from harness.api import Gateway
from harness.clients import AccessKey, Principal
from harness.errors import HarnessError
from harness.ledger import CleanupLedger
from harness.policies import PolicyRef, resolve


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
    ) -> None:
        self._ecs_client = ecs_client
        self._oos_client = oos_client
        self._policy_dir = policy_dir
        self._caller = caller
        self._client = client
        self._gateway = gateway
        self._ledger = ledger

    def create_user(self, name: str, policy_labels: Sequence[str]) -> Principal:
        """Create `name` with the policies attached and one AccessKey; return its principal."""
        refs = [resolve(label, self._policy_dir) for label in policy_labels]
        c = self._client
        self._gateway.call(
            self._caller,
            "CreateUser",
            {"UserName": name},
            lambda: c.create_user(ram.CreateUserRequest(user_name=name, display_name=name)),
        )
        self._ledger.record(
            f"RAM user `{name}`",
            lambda: self._gateway.call(
                self._caller,
                "DeleteUser",
                {"UserName": name},
                lambda: c.delete_user(ram.DeleteUserRequest(user_name=name)),
            ),
        )
        for ref in refs:
            if ref.type == "Custom":
                self._create_policy(ref)
            self._attach(name, ref)
        response = self._gateway.call(
            self._caller,
            "CreateAccessKey",
            {"UserName": name},
            lambda: c.create_access_key(ram.CreateAccessKeyRequest(user_name=name)),
        )
        key = response.body.access_key
        key_id = str(key.access_key_id)
        self._ledger.record(
            f"AccessKey `{key_id}` of `{name}`",
            lambda: self._gateway.call(
                self._caller,
                "DeleteAccessKey",
                {"UserName": name, "UserAccessKeyId": key_id},
                lambda: c.delete_access_key(
                    ram.DeleteAccessKeyRequest(user_name=name, user_access_key_id=key_id)
                ),
            ),
        )
        return Principal(name, AccessKey(key_id, str(key.access_key_secret)))

    def _create_policy(self, ref: PolicyRef) -> None:
        c = self._client
        self._gateway.call(
            self._caller,
            "CreatePolicy",
            {"PolicyName": ref.ram_name, "PolicyDocument": f"<{ref.label}.json>"},
            lambda: c.create_policy(
                ram.CreatePolicyRequest(policy_name=ref.ram_name, policy_document=ref.document)
            ),
        )
        self._ledger.record(
            f"policy `{ref.ram_name}`",
            lambda: self._gateway.call(
                self._caller,
                "DeletePolicy",
                {"PolicyName": ref.ram_name},
                lambda: c.delete_policy(ram.DeletePolicyRequest(policy_name=ref.ram_name)),
            ),
        )

    def _attach(self, user: str, ref: PolicyRef) -> None:
        c = self._client
        params = {"PolicyType": ref.type, "PolicyName": ref.ram_name, "UserName": user}
        self._gateway.call(
            self._caller,
            "AttachPolicyToUser",
            params,
            lambda: c.attach_policy_to_user(
                ram.AttachPolicyToUserRequest(
                    policy_type=ref.type, policy_name=ref.ram_name, user_name=user
                )
            ),
        )
        self._ledger.record(
            f"attachment of `{ref.ram_name}` to `{user}`",
            lambda: self._gateway.call(
                self._caller,
                "DetachPolicyFromUser",
                params,
                lambda: c.detach_policy_from_user(
                    ram.DetachPolicyFromUserRequest(
                        policy_type=ref.type, policy_name=ref.ram_name, user_name=user
                    )
                ),
            ),
        )

    # ---- the Windows setup ----------------------------------------------------------------

    def secret_parameter(self, name: str, value: str, region: str) -> None:
        """An OOS encrypted parameter with the default service key; the value is never shown."""
        if self._oos_client is None:
            raise HarnessError("this backend cannot create OOS parameters")
        client = self._oos_client(region)
        self._gateway.call(
            self._caller,
            "CreateSecretParameter",
            {"Name": name, "RegionId": region, "Value": value},
            lambda: client.create_secret_parameter(
                oos.CreateSecretParameterRequest(region_id=region, name=name, value=value)
            ),
        )
        self._ledger.record(
            f"encrypted parameter `{name}` in {region}",
            lambda: self._gateway.call(
                self._caller,
                "DeleteSecretParameter",
                {"Name": name, "RegionId": region},
                lambda: client.delete_secret_parameter(
                    oos.DeleteSecretParameterRequest(region_id=region, name=name)
                ),
            ),
        )

    def instance_role(self, role: str, policy_label: str, instance_id: str, region: str) -> None:
        """A RAM role trusted by ECS (`<role>.trust.json`), with one policy, on the instance."""
        if self._ecs_client is None:
            raise HarnessError("this backend cannot attach instance RAM roles")
        trust = self._policy_dir / f"{role}.trust.json"
        if not trust.is_file():
            raise HarnessError(f"no trust policy for role `{role}`: expected {trust}")
        c = self._client
        self._gateway.call(
            self._caller,
            "CreateRole",
            {"RoleName": role, "AssumeRolePolicyDocument": f"<{trust.name}>"},
            lambda: c.create_role(
                ram.CreateRoleRequest(
                    role_name=role, assume_role_policy_document=trust.read_text(encoding="utf-8")
                )
            ),
        )
        self._ledger.record(
            f"RAM role `{role}`",
            lambda: self._gateway.call(
                self._caller,
                "DeleteRole",
                {"RoleName": role},
                lambda: c.delete_role(ram.DeleteRoleRequest(role_name=role)),
            ),
        )
        ref = resolve(policy_label, self._policy_dir)
        if ref.type == "Custom":
            self._create_policy(ref)
        params = {"PolicyType": ref.type, "PolicyName": ref.ram_name, "RoleName": role}
        self._gateway.call(
            self._caller,
            "AttachPolicyToRole",
            params,
            lambda: c.attach_policy_to_role(
                ram.AttachPolicyToRoleRequest(
                    policy_type=ref.type, policy_name=ref.ram_name, role_name=role
                )
            ),
        )
        self._ledger.record(
            f"attachment of `{ref.ram_name}` to role `{role}`",
            lambda: self._gateway.call(
                self._caller,
                "DetachPolicyFromRole",
                params,
                lambda: c.detach_policy_from_role(
                    ram.DetachPolicyFromRoleRequest(
                        policy_type=ref.type, policy_name=ref.ram_name, role_name=role
                    )
                ),
            ),
        )
        self._attach_to_instance(role, instance_id, region)

    def _attach_to_instance(self, role: str, instance_id: str, region: str) -> None:
        assert self._ecs_client is not None
        client = self._ecs_client()
        ids = json.dumps([instance_id])
        params = {"InstanceIds": ids, "RamRoleName": role}
        answer = self._gateway.call(
            self._caller,
            "AttachInstanceRamRole",
            params,
            lambda: client.attach_instance_ram_role(
                ecs.AttachInstanceRamRoleRequest(
                    region_id=region, instance_ids=ids, ram_role_name=role
                )
            ),
        )
        if answer.body.fail_count:
            results = answer.body.attach_instance_ram_role_results.attach_instance_ram_role_result
            reasons = "; ".join(f"{r.instance_id}: {r.code} {r.message}" for r in results)
            raise HarnessError(f"could not attach role `{role}`: {reasons}")
        self._ledger.record(
            f"role `{role}` on instance `{instance_id}`",
            lambda: self._gateway.call(
                self._caller,
                "DetachInstanceRamRole",
                params,
                lambda: client.detach_instance_ram_role(
                    ecs.DetachInstanceRamRoleRequest(
                        region_id=region, instance_ids=ids, ram_role_name=role
                    )
                ),
            ),
        )
