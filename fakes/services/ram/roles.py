"""RAM roles: CreateRole (its trust policy validated at once), GetRole, ListRoles, DeleteRole,
and the policies attached to a role."""

from __future__ import annotations

from fakes.errors import ApiError
from fakes.policy import PolicyError, compile_trust_policy
from fakes.services.base import Call, Response, action
from fakes.services.ram import errors
from fakes.services.ram.base import RamBase
from fakes.services.ram.state import MAX_POLICY_DOCUMENT, ROLE_NAME, Policy, Role, attach, detach


class RoleActions(RamBase):
    """Roles and role policy attachments."""

    def _role_name(self, call: Call) -> str:
        return errors.checked_name(call.params.require("RoleName"), "RoleName", 64, ROLE_NAME)

    def _role(self, call: Call) -> Role:
        name = self._role_name(call)
        call.authorize(self._arn("role", name))
        role = self.roles.get(name)
        if role is None:
            raise errors.not_found("Role")
        return role

    @action("CreateRole")
    def create_role(self, call: Call) -> Response:
        name = self._role_name(call)
        document = call.params.require("AssumeRolePolicyDocument")
        if len(document) > MAX_POLICY_DOCUMENT:
            raise errors.document_too_long("AssumeRolePolicyDocument", MAX_POLICY_DOCUMENT)
        max_session = call.params.number("MaxSessionDuration", 3600, low=3600, high=43200)
        call.authorize(self._arn("role", name))
        try:
            trust = compile_trust_policy(document)
        except PolicyError as e:
            raise errors.malformed_document(str(e)) from None
        if name in self.roles:
            raise errors.already_exists("Role")
        role_id = self._ids.user_id()
        role = Role(
            role_id=role_id,
            name=name,
            arn=f"acs:ram::{self.account_id}:role/{name.lower()}",
            trust=trust,
            description=call.params.text("Description", "") or "",
            max_session=max_session,
            created=call.now,
        )
        self.roles[name] = role
        return {"Role": role.view()}

    @action("GetRole")
    def get_role(self, call: Call) -> Response:
        return {"Role": self._role(call).view()}

    @action("ListRoles")
    def list_roles(self, call: Call) -> Response:
        call.authorize(self._arn("role", "*"))
        roles, more = self._page(call, sorted(self.roles.values(), key=lambda r: r.name))
        return {"Roles": {"Role": [r.view() for r in roles]}, **more}

    @action("DeleteRole")
    def delete_role(self, call: Call) -> Response:
        role = self._role(call)
        if role.policies:
            raise ApiError(
                "DeleteConflict.Role.Policy",
                "The role CAN NOT has any attached policy while deleting the role.",
                409,
            )
        del self.roles[role.name]
        return {}

    def _role_attachment(self, call: Call) -> tuple[Role, Policy]:
        policy_type = self._policy_type(call)
        assert policy_type is not None
        policy_name = call.params.require("PolicyName")
        role = self._role(call)
        call.authorize(self._arn("policy", policy_name))
        return role, self._policy(policy_type, policy_name)

    @action("AttachPolicyToRole")
    def attach_policy_to_role(self, call: Call) -> Response:
        role, policy = self._role_attachment(call)
        attach(role.policies, policy, call.now, "Role")
        return {}

    @action("DetachPolicyFromRole")
    def detach_policy_from_role(self, call: Call) -> Response:
        role, policy = self._role_attachment(call)
        detach(role.policies, policy, "Role")
        return {}

    @action("ListPoliciesForRole")
    def list_policies_for_role(self, call: Call) -> Response:
        role = self._role(call)
        return {"Policies": {"Policy": [self._attached_view(a) for a in role.policies]}}
