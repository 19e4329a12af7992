"""RAM (2015-05-01) put together: users, groups, policies and roles, the hooks other services
use (the authenticator reads AccessKeys with `key`; the authorizer reads a principal's
policies with `policy_set`; ECS, STS and the Cloud Assistant agent find roles with `role`),
and DecodeDiagnosticMessage, which reads back the refusals the authorizer sealed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from fakes.diagnostics import DiagnosticSeal
from fakes.errors import ApiError
from fakes.ids import IdFactory
from fakes.policy import CompiledPolicy, PolicySource
from fakes.services.base import Call, Principal, Response, action
from fakes.services.ram.groups import GroupActions
from fakes.services.ram.policies import PolicyActions
from fakes.services.ram.roles import RoleActions
from fakes.services.ram.state import AccessKey, Attachment, Role
from fakes.services.ram.users import UserActions

Attached = tuple[PolicySource, CompiledPolicy]


class RamService(UserActions, GroupActions, PolicyActions, RoleActions):
    """RAM: users and their AccessKeys, groups, custom and system policies, roles. Its state
    is `RamBase`'s."""

    def __init__(self, account_id: str, ids: IdFactory, created: datetime) -> None:
        super().__init__(account_id, ids, created)
        self.diagnostics = DiagnosticSeal()

    def key(self, access_key_id: str) -> AccessKey | None:
        return self.keys.get(access_key_id)

    def role(self, name: str, *, ignore_case: bool = False) -> Role | None:
        """A role by name; STS matches the name in a role ARN ignoring case."""
        if not ignore_case:
            return self.roles.get(name)
        wanted = name.lower()
        return next((r for r in self.roles.values() if r.name.lower() == wanted), None)

    def _sources(self, attachments: list[Attachment], holder: str) -> list[Attached]:
        found = []
        for a in attachments:
            policy = self._policy(a.type, a.name)
            found.append(
                (replace(policy.source, scope=a.scope, holder=holder), policy.default.compiled)
            )
        return found

    def identity_policies(self, principal: Principal) -> list[Attached]:
        """The identity policies of a RAM user (its own and its groups') or an assumed role,
        each at its default version, each source naming its scope and holder."""
        if principal.kind == "SubUser":
            user = self.users.get(principal.name)
            if user is None:
                return []
            found = self._sources(user.policies, "User")
            for group in sorted(self.groups.values(), key=lambda g: g.name):
                if principal.name in group.members:
                    found += self._sources(group.policies, "Group")
            return found
        role = self.roles.get(principal.name)
        return self._sources(role.policies, "Role") if role is not None else []

    def policies_for(self, principal: Principal) -> list[Attached]:
        """Every identity policy of the principal (kept for callers that do not weigh scopes)."""
        return self.identity_policies(principal)

    @action("DecodeDiagnosticMessage")
    def decode_diagnostic_message(self, call: Call) -> Response:
        encoded = call.params.require("EncodedDiagnosticMessage")
        call.authorize("*")  # the API reference: All Resources
        decoded = self.diagnostics.decode(encoded)
        if decoded is None:
            raise ApiError(  # A64
                "InvalidParameter.EncodedDiagnosticMessage",
                'The parameter "EncodedDiagnosticMessage" is invalid.',
                400,
            )
        return {"DecodedDiagnosticMessage": decoded}

    def snapshot(self, now: datetime) -> dict[str, Any]:
        """Users, groups, AccessKeys (never their secrets), policies and roles."""
        return {
            "Users": [u.snapshot() for u in self.users.values()],
            "Groups": [g.snapshot() for g in self.groups.values()],
            "AccessKeys": [k.snapshot() for k in self.keys.values()],
            "Policies": [p.snapshot() for p in [*self.custom.values(), *self.system.values()]],
            "Roles": [r.snapshot() for r in self.roles.values()],
        }
