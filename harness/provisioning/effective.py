"""Verify mode's reading of commandUser's effective permissions: its own attachments and its
groups' (RAM evaluates both), each with its default version, and, where Resource Manager may be
read, the scope each is attached at. With AliyunRAMReadOnlyAccess the RAM half is readable:

- `ram:ListPoliciesForUser`, `ram:ListGroupsForUser`, `ram:ListPoliciesForGroup` (RAM);
- `resourcemanager:ListPolicyAttachments` (Resource Manager: the scopes; not in
  AliyunRAMReadOnlyAccess, so without it every attachment's scope stays assumed).

What may not be read is returned as `unread`, for the verifier to record as assumed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from alibabacloud_ram20150501 import models as ram
from alibabacloud_resourcemanager20200331 import models as rm

from harness.sdk.clients import Clients
from harness.sdk.gateway import Refusal

T = TypeVar("T")


@dataclass(frozen=True)
class Grant:
    """One policy that bears on commandUser."""

    policy: str
    type: str  # "System" | "Custom"
    default_version: str
    via: str  # "the user" or "the group `ops`"
    scope: str = "the account"  # or "the resource group `rg-...`"; "unknown" when unread

    def describe(self) -> str:
        version = f" {self.default_version}" if self.type == "Custom" else ""
        return f"`{self.policy}`{version} through {self.via} for {self.scope}"


@dataclass
class EffectivePermissions:
    grants: list[Grant] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # what could not be read, with the code

    @property
    def names(self) -> set[str]:
        return {g.policy for g in self.grants}

    def from_groups(self) -> list[Grant]:
        return [g for g in self.grants if g.via != "the user"]


def read(
    clients: Clients, user: str, call: Callable[[Callable[..., Any], Any], Any]
) -> EffectivePermissions:
    """commandUser's grants; `Refusal` when it may not even list its own policies."""
    found = EffectivePermissions()
    own = call(clients.ram.list_policies_for_user, ram.ListPoliciesForUserRequest(user_name=user))
    for p in own.body.policies.policy or []:
        found.grants.append(
            Grant(str(p.policy_name), str(p.policy_type), str(p.default_version), "the user")
        )
    try:
        groups = call(
            clients.ram.list_groups_for_user, ram.ListGroupsForUserRequest(user_name=user)
        )
    except Refusal as refusal:
        found.unread.append(f"commandUser's groups ({refusal.code})")
        return found
    for g in groups.body.groups.group or []:
        name = str(g.group_name)
        try:
            held = call(
                clients.ram.list_policies_for_group,
                ram.ListPoliciesForGroupRequest(group_name=name),
            )
        except Refusal as refusal:
            found.unread.append(f"the policies of the group `{name}` ({refusal.code})")
            continue
        for p in held.body.policies.policy or []:
            found.grants.append(
                Grant(
                    str(p.policy_name),
                    str(p.policy_type),
                    str(p.default_version),
                    f"the group `{name}`",
                )
            )
    _scopes(clients, user, call, found)
    return found


def _scopes(
    clients: Clients,
    user: str,
    call: Callable[[Callable[..., Any], Any], Any],
    found: EffectivePermissions,
) -> None:
    """Fill in each grant's scope from ListPolicyAttachments (A68: principal names start with
    `<name>@`), or record that the scopes are unread."""
    manager = clients.resource_manager
    if manager is None:
        found.unread.append("the scope of each attachment (no Resource Manager client)")
        return
    try:
        answer = call(
            manager.list_policy_attachments, rm.ListPolicyAttachmentsRequest(page_size=100)
        )
    except Refusal as refusal:
        found.unread.append(f"the scope of each attachment ({refusal.code})")
        return
    groups = {g.via.split("`")[1] for g in found.grants if g.via != "the user"}
    scoped: dict[tuple[str, str], list[str]] = {}
    for row in answer.body.policy_attachments.policy_attachment or []:
        principal = str(row.principal_name or "").split("@")[0]
        kind = "the user" if row.principal_type == "IMSUser" else f"the group `{principal}`"
        if (row.principal_type == "IMSUser" and principal == user) or (
            row.principal_type == "IMSGroup" and principal in groups
        ):
            scoped.setdefault((kind, str(row.policy_name)), []).append(str(row.resource_group_id))
    account_scopes = {g for values in scoped.values() for g in values if not g.startswith("rg-")}
    result = []
    for grant in found.grants:
        scopes = scoped.get((grant.via, grant.policy), [])
        groups_only = [s for s in scopes if s not in account_scopes and s.startswith("rg-")]
        if scopes and len(groups_only) == len(scopes):
            grant = Grant(
                grant.policy,
                grant.type,
                grant.default_version,
                grant.via,
                ", ".join(f"the resource group `{s}`" for s in groups_only),
            )
        result.append(grant)
    found.grants = result
