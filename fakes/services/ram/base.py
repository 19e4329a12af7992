"""The base of the RAM service: it owns RAM's state and the lookups every resource shares.

The resource modules (users with their AccessKeys, policies with their versions, roles) each
add their actions to this base, so none depends on another's methods.
"""

from __future__ import annotations

from datetime import datetime

from fakes.clock import iso
from fakes.ids import IdFactory
from fakes.policy import compile_policy
from fakes.services.base import Call, Service
from fakes.services.ram import errors
from fakes.services.ram.state import USER_NAME, AccessKey, Policy, Role, User
from fakes.services.system_policies import SYSTEM_POLICIES


class RamBase(Service):
    """RAM's state: users, their AccessKeys, custom and system policies, roles."""

    product = "ram"

    def __init__(self, account_id: str, ids: IdFactory, created: datetime) -> None:
        self.account_id = account_id
        self._ids = ids
        self.users: dict[str, User] = {}
        self.roles: dict[str, Role] = {}
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

    def _policy(self, policy_type: str, name: str) -> Policy:
        table = self.system if policy_type == "System" else self.custom
        policy = table.get(name)
        if policy is None:
            raise errors.not_found("Policy")
        return policy

    @staticmethod
    def _policy_type(call: Call, *, required: bool = True) -> str | None:
        value = call.params.require("PolicyType") if required else call.params.text("PolicyType")
        if value is not None and value not in ("System", "Custom"):
            raise errors.invalid_policy_type()
        return value

    @staticmethod
    def _user_name(call: Call) -> str:
        return errors.checked_name(call.params.require("UserName"), "UserName", 64, USER_NAME)

    def _attached_view(self, policy_type: str, name: str, when: datetime) -> dict[str, object]:
        """One line of ListPoliciesForUser / ListPoliciesForRole."""
        policy = self._policy(policy_type, name)
        return {
            "PolicyName": policy.name,
            "PolicyType": policy.type,
            "DefaultVersion": policy.default_version,
            "Description": policy.description,
            "AttachDate": iso(when),
        }
