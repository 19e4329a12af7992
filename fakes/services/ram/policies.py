"""RAM policies: custom ones created from a document, validated at once (a malformed document
is refused at CreatePolicy, never found at evaluation), system ones listed; and their versions."""

from __future__ import annotations

from fakes.errors import ApiError
from fakes.policy import CompiledPolicy, PolicyError, compile_policy
from fakes.services.base import Call, Response, action
from fakes.services.ram import errors
from fakes.services.ram.base import RamBase
from fakes.services.ram.state import (
    MAX_POLICY_DOCUMENT,
    MAX_POLICY_VERSIONS,
    POLICY_NAME,
    Policy,
    PolicyVersion,
)


class PolicyActions(RamBase):
    """Policies and their versions."""

    # ---- policies ---------------------------------------------------------------------------

    def _compiled(self, call: Call) -> tuple[str, CompiledPolicy]:
        document = call.params.require("PolicyDocument")
        if len(document) > MAX_POLICY_DOCUMENT:
            raise errors.document_too_long("PolicyDocument", MAX_POLICY_DOCUMENT)
        try:
            return document, compile_policy(document)
        except PolicyError as e:
            raise errors.malformed_document(str(e)) from None

    @action("CreatePolicy")
    def create_policy(self, call: Call) -> Response:
        name = errors.checked_name(
            call.params.require("PolicyName"), "PolicyName", 128, POLICY_NAME
        )
        description = call.params.text("Description", "") or ""
        if len(description) > 1024:
            raise ApiError(
                "InvalidParameter.Description.Length",
                'The length of the parameter "Description" exceeds the limit (1024).',
                400,
            )
        document, compiled = self._compiled(call)
        call.authorize(self._arn("policy", name))
        if name in self.custom or name in self.system:
            raise errors.already_exists("Policy")
        policy = Policy(name, "Custom", description, call.now)
        policy.add_version(document, compiled, call.now)
        self.custom[name] = policy
        view = policy.view()
        del view["AttachmentCount"], view["UpdateDate"]
        return {"Policy": view}

    @action("GetPolicy")
    def get_policy(self, call: Call) -> Response:
        policy = self._named_policy(call)
        return {
            "Policy": {**policy.view(), "PolicyDocument": policy.default.document},
            "DefaultPolicyVersion": policy.version_view(policy.default),
        }

    def _named_policy(self, call: Call, *, policy_type: str | None = None) -> Policy:
        name = call.params.require("PolicyName")
        kind = policy_type or self._policy_type(call)
        assert kind is not None
        call.authorize(self._arn("policy", name))
        return self._policy(kind, name)

    @action("ListPolicies")
    def list_policies(self, call: Call) -> Response:
        policy_type = self._policy_type(call, required=False)
        call.authorize(self._arn("policy", "*"))
        chosen = [
            p
            for table in (self.system, self.custom)
            for p in table.values()
            if policy_type in (None, p.type)
        ]
        page, more = self._page(call, chosen)
        return {"Policies": {"Policy": [p.view() for p in page]}, **more}

    @action("DeletePolicy")
    def delete_policy(self, call: Call) -> Response:
        policy = self._named_policy(call, policy_type="Custom")
        held_by_groups = any(
            a.type == "Custom" and a.name == policy.name
            for group in self.groups.values()
            for a in group.policies
        )
        if held_by_groups:
            raise errors.delete_conflict("Policy.Group")
        if policy.attachments:
            raise ApiError(
                "DeleteConflict.Policy.User",
                "The policy CAN NOT been attached to any user while deleting the policy.",
                409,
            )
        if len(policy.versions) > 1 and not call.params.flag("CascadingDelete"):
            raise ApiError(
                "DeleteConflict.Policy.Version",
                "The policy CAN NOT has any version except the default version.",
                409,
            )
        del self.custom[policy.name]
        return {}

    # ---- policy versions --------------------------------------------------------------------

    def _version(self, call: Call, policy: Policy) -> PolicyVersion:
        version_id = call.params.require("VersionId")
        if not (version_id.startswith("v") and version_id[1:].isdigit()):
            raise ApiError(
                "InvalidParameter.VersionId.Format",
                'The parameter "VersionId" is wrongly formed.',
                400,
            )
        version = policy.versions.get(version_id)
        if version is None:
            raise errors.not_found("Policy.Version")
        return version

    @action("CreatePolicyVersion")
    def create_policy_version(self, call: Call) -> Response:
        document, compiled = self._compiled(call)
        policy = self._named_policy(call, policy_type="Custom")
        if len(policy.versions) >= MAX_POLICY_VERSIONS:
            strategy = call.params.text("RotateStrategy", "None")
            if strategy != "DeleteOldestNonDefaultVersionWhenLimitExceeded":
                raise ApiError(
                    "LimitExceeded.Policy.Version",
                    f"The policy can have at most {MAX_POLICY_VERSIONS} versions.",
                    409,
                )
            oldest = min(
                (v for v in policy.versions.values() if v.version_id != policy.default_version),
                key=lambda v: int(v.version_id[1:]),
            )
            del policy.versions[oldest.version_id]
        version = policy.add_version(document, compiled, call.now)
        if call.params.flag("SetAsDefault"):
            policy.default_version = version.version_id
        return {"PolicyVersion": policy.version_view(version)}

    @action("GetPolicyVersion")
    def get_policy_version(self, call: Call) -> Response:
        policy = self._named_policy(call)
        return {"PolicyVersion": policy.version_view(self._version(call, policy))}

    @action("ListPolicyVersions")
    def list_policy_versions(self, call: Call) -> Response:
        policy = self._named_policy(call)
        versions = sorted(policy.versions.values(), key=lambda v: int(v.version_id[1:]))
        return {"PolicyVersions": {"PolicyVersion": [policy.version_view(v) for v in versions]}}

    @action("SetDefaultPolicyVersion")
    def set_default_policy_version(self, call: Call) -> Response:
        policy = self._named_policy(call, policy_type="Custom")
        policy.default_version = self._version(call, policy).version_id
        policy.updated = call.now
        return {}

    @action("DeletePolicyVersion")
    def delete_policy_version(self, call: Call) -> Response:
        policy = self._named_policy(call, policy_type="Custom")
        version = self._version(call, policy)
        if version.version_id == policy.default_version:
            raise ApiError(
                "DeleteConflict.Policy.Version.Default",  # A14
                "The default version of the policy CAN NOT be deleted.",
                409,
            )
        del policy.versions[version.version_id]
        return {}
