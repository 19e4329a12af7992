"""Provisioning RAM identities for a scenario through the official RAM SDK, as an administrator
would in the console: create the user, its policies and an AccessKey, each one written to the
cleanup ledger as soon as it exists."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alibabacloud_ram20150501 import models as ram
from alibabacloud_ram20150501.client import Client as RamClient

from harness.api import Gateway
from harness.clients import AccessKey, Principal
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
    ) -> None:
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
