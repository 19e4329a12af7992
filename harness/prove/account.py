"""commandUser's effective policies, read from an account: RAM read calls only, nothing created.

The user's own attachments (`ListPoliciesForUser`), then its groups' (`ListGroupsForUser`,
`ListPoliciesForGroup`), each policy at its default version (`GetPolicy` for the version id,
`GetPolicyVersion` for the document). Resource-group-scoped attachments and control policies are
not read (paths-to-root section 4): a proof over these policies says nothing about them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from alibabacloud_ram20150501 import models as ram

from fakes.policy import PolicySource
from harness.config import credentials
from harness.config.settings import Settings
from harness.errors import HarnessError
from harness.prove.sources import LoadedPolicy, compile_named
from harness.sdk.clients import Endpoint, ram_client
from harness.sdk.evidence import Evidence
from harness.sdk.gateway import Gateway, Refusal
from harness.sdk.retry import RetryPolicy

T = TypeVar("T")


def _policies_in(body: Any) -> list[Any]:
    policies = getattr(body, "policies", None)
    return list(getattr(policies, "policy", None) or [])


class AccountReader:
    """Reads one RAM user's policies through the official SDK and the harness's gateway."""

    def __init__(self, client: Any, gateway: Gateway, caller: str) -> None:
        self._client = client
        self._gateway = gateway
        self._caller = caller

    def _call(self, method: Callable[..., T], request: Any) -> T:
        try:
            return self._gateway.call(self._caller, method, request, repeatable=True)
        except Refusal as refusal:
            raise HarnessError(f"cannot read the account's policies: {refusal}") from None

    def user_attachments(self, user: str) -> list[tuple[str, str, str]]:
        """(name, type, where) of every policy attached to `user` itself."""
        request = ram.ListPoliciesForUserRequest(user_name=user)
        answer = self._call(self._client.list_policies_for_user, request)
        return [
            (str(policy.policy_name), str(policy.policy_type), f"user `{user}`")
            for policy in _policies_in(answer.body)
        ]

    def group_attachments(self, user: str) -> list[tuple[str, str, str]]:
        """(name, type, where) of every policy attached to a group `user` belongs to."""
        found: list[tuple[str, str, str]] = []
        groups = self._call(
            self._client.list_groups_for_user, ram.ListGroupsForUserRequest(user_name=user)
        )
        for group in list(getattr(getattr(groups.body, "groups", None), "group", None) or []):
            name = str(group.group_name)
            answer = self._call(
                self._client.list_policies_for_group,
                ram.ListPoliciesForGroupRequest(group_name=name),
            )
            for policy in _policies_in(answer.body):
                found.append((str(policy.policy_name), str(policy.policy_type), f"group `{name}`"))
        return found

    def document(self, name: str, policy_type: str) -> tuple[str, str]:
        """(default version id, document text) of one policy."""
        answer = self._call(
            self._client.get_policy, ram.GetPolicyRequest(policy_name=name, policy_type=policy_type)
        )
        version = str(answer.body.default_policy_version.version_id)
        request = ram.GetPolicyVersionRequest(
            policy_name=name, policy_type=policy_type, version_id=version
        )
        answer = self._call(self._client.get_policy_version, request)
        return version, str(answer.body.policy_version.policy_document)

    def effective(self, user: str, *, groups: bool = True) -> list[LoadedPolicy]:
        """Every policy in force for `user`, at its default version; `groups=False` reads the
        user's own attachments only."""
        attached = self.user_attachments(user)
        if groups:
            attached += self.group_attachments(user)
        loaded = []
        seen: set[tuple[str, str]] = set()
        for name, policy_type, where in attached:
            if (name, policy_type) in seen:
                continue
            seen.add((name, policy_type))
            version, text = self.document(name, policy_type)
            compiled = compile_named(text, f"`{name}` ({policy_type}, {version}, from {where})")
            loaded.append(LoadedPolicy(PolicySource(name, policy_type, version), compiled))
        if not loaded:
            raise HarnessError(f"RAM user `{user}` has no policies attached, so it can run nothing")
        return loaded


def read_account(settings: Settings, user: str) -> list[LoadedPolicy]:
    """The administrator's credentials when given, else the default chain's (commandUser's own,
    which then needs RAM read access)."""
    principal = credentials.reader(settings)
    endpoint = Endpoint.from_url(settings.endpoint) if settings.endpoint else None
    client = ram_client(principal, settings.region, endpoint)
    reader = AccountReader(client, Gateway(Evidence(), RetryPolicy(time.sleep)), principal.name)
    return reader.effective(user)
