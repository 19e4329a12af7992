"""The base of the RAM service: it owns RAM's state and the lookups every resource shares.

The resource modules (users with their AccessKeys, groups, policies with their versions,
roles) each add their actions to this base, so none depends on another's methods.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from fakes.clock import iso
from fakes.ids import IdFactory
from fakes.policy import compile_policy
from fakes.services.base import Call, Service
from fakes.services.ram import errors
from fakes.services.ram.state import (
    GROUP_NAME,
    USER_NAME,
    AccessKey,
    Attachment,
    Attachments,
    Group,
    Policy,
    Role,
    User,
)
from fakes.services.system_policies import SYSTEM_POLICIES

T = TypeVar("T")
#: ListUsers, ListGroups, ListUsersForGroup ...: MaxItems 1 to 1000, default 100 (RAM SDK).
DEFAULT_PAGE = 100
MAX_PAGE = 1000


class RamBase(Service):
    """RAM's state: users, their AccessKeys, groups, custom and system policies, roles."""

    product = "ram"

    def __init__(self, account_id: str, ids: IdFactory, created: datetime) -> None:
        self.account_id = account_id
        self._ids = ids
        self.users: dict[str, User] = {}
        self.roles: dict[str, Role] = {}
        self.groups: dict[str, Group] = {}
        #: Whether a resource group exists (Resource Manager's answer; the cloud wires it).
        self.resource_group_exists: Callable[[str], bool] = lambda _: False
        self.keys: dict[str, AccessKey] = {}
        self.custom: dict[str, Policy] = {}
        self.system: dict[str, Policy] = {}
        for builtin in SYSTEM_POLICIES.values():
            policy = Policy(builtin.name, "System", builtin.description, created)
            policy.add_version(builtin.document, compile_policy(builtin.document), created)
            self.system[builtin.name] = policy

    def _arn(self, kind: str, name: str) -> str:
        return f"acs:ram:*:{self.account_id}:{kind}/{name}"

    def _user(self, name: str) -> User:
        user = self.users.get(name)
        if user is None:
            raise errors.not_found("User")
        return user

    def _group(self, name: str) -> Group:
        group = self.groups.get(name)
        if group is None:
            raise errors.not_found("Group")
        return group

    @staticmethod
    def _group_name(call: Call, param: str = "GroupName") -> str:
        return errors.checked_name(call.params.require(param), param, 64, GROUP_NAME)

    def _scope(self, call: Call) -> str:
        """`ResourceGroupId` of an attach or detach: "" (account level) when absent or when it
        names the account itself (as Resource Manager's AttachPolicy allows); a resource group
        that does not exist is refused (A62)."""
        value = call.params.text("ResourceGroupId") or ""
        if not value or value == self.account_id:
            return ""
        if not self.resource_group_exists(value):
            raise errors.unknown_resource_group(value)
        return value

    @staticmethod
    def _page(call: Call, items: Sequence[T]) -> tuple[Sequence[T], dict[str, object]]:
        """One page of a listing, by `MaxItems` and `Marker`, and the `IsTruncated` (and next
        `Marker`) to answer with. The marker is the position of the next entry (A60)."""
        size = call.params.number("MaxItems", DEFAULT_PAGE, low=1, high=MAX_PAGE)
        marker = call.params.text("Marker") or ""
        start = 0
        if marker:
            if not marker.isdecimal() or not marker.isascii() or int(marker) > len(items):
                raise errors.bad_marker(marker)
            start = int(marker)
        chosen = items[start : start + size]
        end = start + len(chosen)
        if end < len(items):
            return chosen, {"IsTruncated": True, "Marker": str(end)}
        return chosen, {"IsTruncated": False}

    def _policy(self, policy_type: str, name: str) -> Policy:
        table = self.system if policy_type == "System" else self.custom
        policy = table.get(name)
        if policy is None:
            raise errors.not_found("Policy")
        return policy

    def policy(self, policy_type: str, name: str) -> Policy:
        """The policy of this type and name (EntityNotExist.Policy when there is none): for
        Resource Manager's AttachPolicy, which shares RAM's attachments."""
        return self._policy(policy_type, name)

    def holder(self, kind: str, name: str) -> tuple[str, Attachments]:
        """The attachment list of the user ("User"), group ("Group") or role ("Role") named
        `name`, and that holder's label for RAM's error codes; EntityNotExist.<kind> when
        there is none."""
        tables: Mapping[str, Mapping[str, User | Group | Role]] = {
            "User": self.users,
            "Group": self.groups,
            "Role": self.roles,
        }
        found = tables[kind].get(name)
        if found is None:
            raise errors.not_found(kind)
        return kind, found.policies

    @staticmethod
    def _policy_type(call: Call, *, required: bool = True) -> str | None:
        value = call.params.require("PolicyType") if required else call.params.text("PolicyType")
        if value is not None and value not in ("System", "Custom"):
            raise errors.invalid_policy_type()
        return value

    @staticmethod
    def _user_name(call: Call) -> str:
        return errors.checked_name(call.params.require("UserName"), "UserName", 64, USER_NAME)

    def _attached_view(self, attachment: Attachment) -> dict[str, object]:
        """One line of ListPoliciesForUser / ForGroup / ForRole; one attached at a resource
        group's scope names it (A63)."""
        policy = self._policy(attachment.type, attachment.name)
        line: dict[str, object] = {
            "PolicyName": policy.name,
            "PolicyType": policy.type,
            "DefaultVersion": policy.default_version,
            "Description": policy.description,
            "AttachDate": iso(attachment.when),
        }
        if attachment.scope:
            line["ResourceGroupId"] = attachment.scope
        return line
