"""Resource Directory (2022-04-19), as far as the spec needs it: the Control Policy feature.

Control policies set a permission boundary for the RAM users and roles of the accounts they are
attached to and grant nothing [EnableControlPolicy API reference]; the system policy
`FullAliyunAccess` is attached to every folder and member by default, up to 10 policies per
target [AttachControlPolicy API reference]; a document has the elements Effect, Action or
NotAction, Resource and Condition (no Principal) [doc 179096, Languages of access control
policies] and at most 4,096 characters [SDK CreateControlPolicy docstring]. Validation is the
RAM policy engine's own. A65: the fake's one account is both the directory's management account
(it calls this API) and a member under the Root folder, so policies attached to the Root folder
or to the account's id bear on its RAM identities once the feature is enabled."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakes.clock import iso
from fakes.errors import ApiError
from fakes.ids import IdFactory
from fakes.policy import CompiledPolicy, PolicyError, PolicySource, compile_policy
from fakes.services.base import Call, Response, Service, action

MAX_DOCUMENT = 4096
MAX_PER_TARGET = 10
FULL_ACCESS = "FullAliyunAccess"


@dataclass
class ControlPolicy:
    policy_id: str
    name: str
    type: str  # "System" | "Custom"
    description: str
    document: str
    compiled: CompiledPolicy
    created: datetime
    targets: dict[str, datetime] = field(default_factory=dict)  # target id -> when attached

    def view(self) -> dict[str, object]:
        return {
            "PolicyId": self.policy_id,
            "PolicyName": self.name,
            "PolicyType": self.type,
            "Description": self.description,
            "EffectScope": "RAM",
            "AttachmentCount": len(self.targets),
            "CreateDate": iso(self.created),
            "UpdateDate": iso(self.created),
        }


def _authorize(call: Call, resource: str) -> None:
    """Resource Directory's actions carry RAM code `resourcemanager` (CreateControlPolicy's
    authorization table: `resourcemanager:CreateControlPolicy`)."""
    call.authorize(resource, action=f"resourcemanager:{call.action}")


def _error(code: str, message: str, status: int = 400) -> ApiError:
    """A68: the Resource Directory's codes below are not published; named like RAM's."""
    return ApiError(code, message, status)


class ResourceDirectoryService(Service):
    """The directory's Root folder, its control policies and their attachments."""

    product = "resourcedirectorymaster"

    def __init__(self, account_id: str, ids: IdFactory, created: datetime) -> None:
        self.account_id = account_id
        self._ids = ids
        self.root_folder_id = "r-" + ids.access_key_id()[4:10]
        self.directory_id = "rd-" + ids.access_key_id()[4:10]
        self.enabled = False
        full = json.dumps(
            {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        )
        system = ControlPolicy(
            "cp-" + ids.access_key_id()[4:16],
            FULL_ACCESS,
            "System",
            "Allow all operations",
            full,
            compile_policy(full),
            created,
            {self.root_folder_id: created},
        )
        self.policies: dict[str, ControlPolicy] = {system.policy_id: system}

    def in_force(self) -> list[tuple[PolicySource, CompiledPolicy]] | None:
        """The control policies bearing on the account's RAM identities, or None when the
        feature is off (A65)."""
        if not self.enabled:
            return None
        mine = (self.root_folder_id, self.account_id)
        return [
            (
                PolicySource(p.policy_id, "ControlPolicy", "", target, "ResourceDirectory"),
                p.compiled,
            )
            for p in self.policies.values()
            for target in mine
            if target in p.targets
        ]

    def _arn(self, kind: str, name: str) -> str:
        return f"acs:resourcemanager:*:{self.account_id}:{kind}/{name}"

    def _policy(self, call: Call) -> ControlPolicy:
        policy_id = call.params.require("PolicyId")
        _authorize(call, self._arn("controlpolicy", policy_id))
        policy = self.policies.get(policy_id)
        if policy is None:
            raise _error("EntityNotExists.ControlPolicy", "The control policy does not exist.", 404)
        return policy

    def _target(self, call: Call) -> str:
        target = call.params.require("TargetId")
        if target not in (self.root_folder_id, self.account_id):
            raise _error("EntityNotExists.Target", "The specified target does not exist.", 404)
        return target

    @action("GetResourceDirectory")
    def get_resource_directory(self, call: Call) -> Response:
        _authorize(call, "*")
        return {
            "ResourceDirectory": {
                "ResourceDirectoryId": self.directory_id,
                "RootFolderId": self.root_folder_id,
                "MasterAccountId": self.account_id,
                "ControlPolicyStatus": "Enabled" if self.enabled else "Disabled",
            }
        }

    @action("EnableControlPolicy")
    def enable_control_policy(self, call: Call) -> Response:
        _authorize(call, "*")
        self.enabled = True  # A65: in force at once; the answer is the documented sample's
        return {"EnablementStatus": "PendingEnable"}

    @action("GetControlPolicyEnablementStatus")
    def get_control_policy_enablement_status(self, call: Call) -> Response:
        _authorize(call, "*")
        return {"EnablementStatus": "Enabled" if self.enabled else "Disabled"}

    @action("CreateControlPolicy")
    def create_control_policy(self, call: Call) -> Response:
        name = call.params.require("PolicyName")
        document = call.params.require("PolicyDocument")
        scope = call.params.require("EffectScope")
        if scope != "RAM":
            raise _error(
                "InvalidParameter.EffectScope", 'The parameter "EffectScope" must be `RAM`.'
            )
        if len(document) > MAX_DOCUMENT:
            raise _error(
                "InvalidParameter.PolicyDocument.Length",
                'The length of the parameter "PolicyDocument" exceeds the limit '
                f"(1-{MAX_DOCUMENT}).",
            )
        try:
            compiled = compile_policy(document)
        except PolicyError as e:
            raise _error("MalformedPolicyDocument", f"control policy: {e}") from None
        _authorize(call, self._arn("controlpolicy", "*"))
        if any(p.name == name for p in self.policies.values()):
            raise _error(
                "EntityAlreadyExists.ControlPolicy", "The control policy already exists.", 409
            )
        policy = ControlPolicy(
            "cp-" + self._ids.access_key_id()[4:16],
            name,
            "Custom",
            call.params.text("Description", "") or "",
            document,
            compiled,
            call.now,
        )
        self.policies[policy.policy_id] = policy
        return {"ControlPolicy": policy.view()}

    @action("ListControlPolicies")
    def list_control_policies(self, call: Call) -> Response:
        _authorize(call, self._arn("controlpolicy", "*"))
        kind = call.params.text("PolicyType")
        chosen = [p for p in self.policies.values() if kind in (None, p.type)]
        number = call.params.number("PageNumber", 1, low=1, high=10**6)
        size = call.params.number("PageSize", 10, low=1, high=100)
        page = chosen[(number - 1) * size : number * size]
        return {
            "ControlPolicies": {"ControlPolicy": [p.view() for p in page]},
            "TotalCount": len(chosen),
            "PageNumber": number,
            "PageSize": size,
        }

    @action("AttachControlPolicy")
    def attach_control_policy(self, call: Call) -> Response:
        policy = self._policy(call)
        target = self._target(call)
        if target in policy.targets:
            raise _error(
                "EntityAlreadyExists.ControlPolicyAttachment",
                "The control policy is already attached to the target.",
                409,
            )
        if sum(1 for p in self.policies.values() if target in p.targets) >= MAX_PER_TARGET:
            raise _error(
                "LimitExceeded.ControlPolicyAttachment",
                f"A target holds at most {MAX_PER_TARGET} control policies.",
                409,
            )
        policy.targets[target] = call.now
        return {}

    @action("DetachControlPolicy")
    def detach_control_policy(self, call: Call) -> Response:
        policy = self._policy(call)
        target = self._target(call)
        if policy.targets.pop(target, None) is None:
            raise _error(
                "EntityNotExists.ControlPolicyAttachment",
                "The control policy is not attached to the target.",
                404,
            )
        return {}

    @action("DeleteControlPolicy")
    def delete_control_policy(self, call: Call) -> Response:
        policy = self._policy(call)
        if policy.type == "System":
            raise _error("NoPermission.SystemControlPolicy", "A system policy stays.", 403)
        if policy.targets:
            raise _error(
                "DeleteConflict.ControlPolicy.Attachment",
                "The control policy CAN NOT be attached to any target while deleting it.",
                409,
            )
        del self.policies[policy.policy_id]
        return {}

    @action("ListControlPolicyAttachmentsForTarget")
    def list_control_policy_attachments_for_target(self, call: Call) -> Response:
        target = self._target(call)
        _authorize(call, self._arn("controlpolicy", "*"))
        rows = [
            {**p.view(), "AttachDate": iso(p.targets[target])}
            for p in self.policies.values()
            if target in p.targets
        ]
        return {"ControlPolicyAttachments": {"ControlPolicyAttachment": rows}}

    def snapshot(self, now: datetime) -> dict[str, Any]:
        return {
            "ControlPolicyEnabled": self.enabled,
            "ControlPolicies": [
                {**p.view(), "Targets": sorted(p.targets)} for p in self.policies.values()
            ],
        }
