"""The RAM service (2015-05-01) put together from its resources, and what the rest of the
account asks of it: `fakes.access` authenticates keys with `key` and evaluates policies from
`policies_for`; ECS, STS and the Cloud Assistant agent find roles with `role`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fakes.policy import CompiledPolicy, PolicySource
from fakes.services.base import Principal
from fakes.services.ram.policies import PolicyActions
from fakes.services.ram.roles import RoleActions
from fakes.services.ram.state import AccessKey, Role
from fakes.services.ram.users import UserActions


class RamService(UserActions, PolicyActions, RoleActions):
    """RAM: users and their AccessKeys, custom and system policies, roles. Its state is
    `RamBase`'s."""

    def key(self, access_key_id: str) -> AccessKey | None:
        return self.keys.get(access_key_id)

    def role(self, name: str, *, ignore_case: bool = False) -> Role | None:
        """A role by name; STS matches the name in a role ARN ignoring case."""
        if not ignore_case:
            return self.roles.get(name)
        wanted = name.lower()
        return next((r for r in self.roles.values() if r.name.lower() == wanted), None)

    def policies_for(self, principal: Principal) -> list[tuple[PolicySource, CompiledPolicy]]:
        """The identity policies of a RAM user or an assumed role, each at its default version."""
        holder = (
            self.users.get(principal.name)
            if principal.kind == "SubUser"
            else self.roles.get(principal.name)
        )
        if holder is None:
            return []
        found = []
        for policy_type, name, _ in holder.policies:
            policy = self._policy(policy_type, name)
            found.append((policy.source, policy.default.compiled))
        return found

    def snapshot(self, now: datetime) -> dict[str, Any]:
        """Users, AccessKeys (never their secrets), policies and roles."""
        return {
            "Users": [u.snapshot() for u in self.users.values()],
            "AccessKeys": [k.snapshot() for k in self.keys.values()],
            "Policies": [p.snapshot() for p in [*self.custom.values(), *self.system.values()]],
            "Roles": [r.snapshot() for r in self.roles.values()],
        }
