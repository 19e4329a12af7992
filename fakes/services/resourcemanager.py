"""Resource Manager (2020-03-31), as far as the spec needs it: resource groups (the account's
default one, and those an administrator creates), and AttachPolicy, DetachPolicy and
ListPolicyAttachments, the documented way to attach a policy at a scope and to read at which
scope each is attached (RAM's own lists have no scope field). They share RAM's attachments: one
made here is one RAM lists (ListPoliciesForUser) and evaluates, at the same scope, and the
reverse (the request models: alibabacloud_resourcemanager20200331 2.6.2 `AttachPolicyRequest`,
`DetachPolicyRequest`; https://www.alibabacloud.com/help/en/resource-management/developer-reference/api-attachpolicy).

Resources of other services name their group by id (`ResourceGroupId`); RAM attachments made
with a `ResourceGroupId` apply only to resources in that group (fakes/policy/layers.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fakes.clock import iso
from fakes.errors import ApiError
from fakes.ids import IdFactory
from fakes.services.base import Call, Response, Service, action
from fakes.services.ram import RamService
from fakes.services.ram.state import Attachment, attach, detach

#: AttachPolicy's PrincipalType, and the RAM holder it names.
_HOLDERS = {"IMSUser": "User", "IMSGroup": "Group", "ServiceRole": "Role"}
#: CreateResourceGroup's `Name`: 2 to 50 letters, digits and hyphens, starting with a letter.
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,49}$")


@dataclass
class ResourceGroup:
    group_id: str
    name: str
    display_name: str
    account_id: str
    created: datetime

    def view(self) -> dict[str, object]:
        return {
            "Id": self.group_id,
            "Name": self.name,
            "DisplayName": self.display_name,
            "AccountId": self.account_id,
            "Status": "OK",
            "CreateDate": iso(self.created),
        }


def _not_found() -> ApiError:  # A68
    return ApiError(
        "EntityNotExists.ResourceGroup", "The specified resource group does not exist.", 404
    )


class ResourceManagerService(Service):
    """Resource groups and the policy attachments at every scope."""

    product = "resourcemanager"

    def __init__(self, account_id: str, ids: IdFactory, ram: RamService, created: datetime) -> None:
        self.account_id = account_id
        self._ids = ids
        self._ram = ram
        default = ResourceGroup(
            self._new_id(), "default", "Default Resource Group", account_id, created
        )
        self.groups: dict[str, ResourceGroup] = {default.group_id: default}
        self.default_group_id = default.group_id

    def _new_id(self) -> str:
        return "rg-" + self._ids.access_key_id()[4:19].lower()

    def add(self, name: str, display_name: str, now: datetime) -> ResourceGroup:
        if not _NAME.match(name) or any(g.name == name for g in self.groups.values()):
            raise ValueError(f"resource group name `{name}` is malformed or taken")
        group = ResourceGroup(self._new_id(), name, display_name, self.account_id, now)
        self.groups[group.group_id] = group
        return group

    def adopt(self, group_id: str, now: datetime) -> ResourceGroup:
        """A group under an id a test chose (`add_instance(resource_group_id=...)`)."""
        if not group_id.startswith("rg-"):
            raise ValueError(f"a resource group id starts with `rg-`, not `{group_id}`")
        group = ResourceGroup(group_id, group_id, group_id, self.account_id, now)
        self.groups[group_id] = group
        return group

    def exists(self, group_id: str) -> bool:
        return group_id in self.groups

    def _arn(self, group_id: str) -> str:
        return f"acs:resourcemanager:*:{self.account_id}:resourcegroup/{group_id}"

    @action("CreateResourceGroup")
    def create_resource_group(self, call: Call) -> Response:
        name = call.params.require("Name")
        display = call.params.require("DisplayName")
        if not _NAME.match(name):
            raise ApiError(
                "InvalidParameter.Name", f'The parameter "Name" is invalid: `{name}`.', 400
            )
        if not 1 <= len(display) <= 50:
            raise ApiError(
                "InvalidParameter.DisplayName", 'The parameter "DisplayName" is invalid.', 400
            )
        call.authorize(self._arn("*"))
        if any(g.name == name for g in self.groups.values()):
            raise ApiError(  # A68
                "EntityAlreadyExists.ResourceGroup",
                "The specified resource group name already exists.",
                409,
            )
        group = ResourceGroup(self._new_id(), name, display, self.account_id, call.now)
        self.groups[group.group_id] = group
        return {"ResourceGroup": group.view()}

    @action("GetResourceGroup")
    def get_resource_group(self, call: Call) -> Response:
        group_id = call.params.require("ResourceGroupId")
        call.authorize(self._arn(group_id))
        group = self.groups.get(group_id)
        if group is None:
            raise _not_found()
        return {"ResourceGroup": group.view()}

    @action("DeleteResourceGroup")
    def delete_resource_group(self, call: Call) -> Response:
        group_id = call.params.require("ResourceGroupId")
        call.authorize(self._arn(group_id))
        group = self.groups.get(group_id)
        if group is None:
            raise _not_found()
        if group_id == self.default_group_id:
            raise ApiError(  # A68
                "NotSupport.DefaultResourceGroup", "The default resource group stays.", 400
            )
        del self.groups[group_id]
        return {"ResourceGroup": {**group.view(), "Status": "PendingDelete"}}

    @action("ListResourceGroups")
    def list_resource_groups(self, call: Call) -> Response:
        call.authorize(self._arn("*"))
        name = call.params.text("Name")
        chosen = [g for g in self.groups.values() if name is None or name in g.name]
        page, number, size = _paged(call, chosen)
        return {
            "ResourceGroups": {"ResourceGroup": [g.view() for g in page]},
            "TotalCount": len(chosen),
            "PageNumber": number,
            "PageSize": size,
        }

    # ---- policy attachments at every scope --------------------------------------------------

    def _principal_name(self, kind: str, name: str) -> str:
        """AttachPolicy's principal naming, with the account id as the account alias (A68)."""
        domain = f"{self.account_id}.onaliyun.com"
        if kind == "IMSUser":
            return f"{name}@{domain}"
        if kind == "IMSGroup":
            return f"{name}@group.{domain}"
        return f"{name}@role.{self.account_id}.onaliyunservice.com"

    def _attachments(self) -> Iterator[tuple[str, str, Attachment]]:
        for user in self._ram.users.values():
            for a in user.policies:
                yield "IMSUser", user.name, a
        for group in self._ram.groups.values():
            for a in group.policies:
                yield "IMSGroup", group.name, a
        for role in self._ram.roles.values():
            for a in role.policies:
                yield "ServiceRole", role.name, a

    def _principal(self, call: Call) -> tuple[str, list[Attachment]]:
        """The holder AttachPolicy/DetachPolicy names: `PrincipalType` and a `PrincipalName` in
        the documented format for it, with this account's alias (A68, A91)."""
        kind = call.params.require("PrincipalType")
        holder = _HOLDERS.get(kind)
        if holder is None:
            raise ApiError(  # A91
                "InvalidParameter.PrincipalType",
                f'The parameter "PrincipalType" is invalid: `{kind}`, not one of '
                f"{', '.join(_HOLDERS)}.",
                400,
            )
        principal = call.params.require("PrincipalName")
        name, _, _ = principal.partition("@")
        if not name or self._principal_name(kind, name) != principal:
            raise ApiError(  # A91
                "InvalidParameter.PrincipalName",
                f'The parameter "PrincipalName" is invalid: `{principal}` is not '
                f"`{self._principal_name(kind, '<name>')}`.",
                400,
            )
        return self._ram.holder(holder, name)

    def _attachment_scope(self, call: Call) -> str:
        """`ResourceGroupId` (required): the account id is account level (""), else a resource
        group of the account."""
        scope = call.params.require("ResourceGroupId")
        if scope == self.account_id:
            return ""
        if scope not in self.groups:
            raise _not_found()
        return scope

    def _attach_request(self, call: Call) -> tuple[str, list[Attachment], Any, str]:
        policy_type = call.params.require("PolicyType")
        if policy_type not in ("System", "Custom"):
            raise ApiError(  # A91: RAM's code for the same mistake
                "InvalidParameter.PolicyType", 'The parameter "PolicyType" is invalid.', 400
            )
        policy_name = call.params.require("PolicyName")
        scope = self._attachment_scope(call)
        holder, attached = self._principal(call)
        call.authorize(self._arn(scope or "*"))
        return holder, attached, self._ram.policy(policy_type, policy_name), scope

    @action("AttachPolicy")
    def attach_policy(self, call: Call) -> Response:
        """Attach a policy to a RAM user, group or role at account level or for a resource
        group: the same attachment RAM's AttachPolicyTo* makes, with RAM's codes (A91)."""
        holder, attached, policy, scope = self._attach_request(call)
        attach(attached, policy, call.now, holder, scope)
        return {}

    @action("DetachPolicy")
    def detach_policy(self, call: Call) -> Response:
        """Detach it at that scope; one not attached there is RAM's
        `EntityNotExist.<holder>.Policy`."""
        holder, attached, policy, scope = self._attach_request(call)
        detach(attached, policy, holder, scope)
        return {}

    @action("ListPolicyAttachments")
    def list_policy_attachments(self, call: Call) -> Response:
        call.authorize(self._arn("*"))
        wanted: dict[str, Callable[[str, str, Attachment], str]] = {
            "PrincipalType": lambda kind, name, a: kind,
            "PrincipalName": lambda kind, name, a: self._principal_name(kind, name),
            "PolicyName": lambda kind, name, a: a.name,
            "PolicyType": lambda kind, name, a: a.type,
            "ResourceGroupId": lambda kind, name, a: a.scope or self.account_id,
        }
        filters = {k: v for k in wanted if (v := call.params.text(k))}
        rows = [
            {
                "PrincipalType": kind,
                "PrincipalName": self._principal_name(kind, name),
                "PolicyName": a.name,
                "PolicyType": a.type,
                "ResourceGroupId": a.scope or self.account_id,
                "AttachDate": iso(a.when),
                "Description": "",
            }
            for kind, name, a in self._attachments()
            if all(wanted[k](kind, name, a) == v for k, v in filters.items())
        ]
        page, number, size = _paged(call, rows)
        return {
            "PolicyAttachments": {"PolicyAttachment": page},
            "TotalCount": len(rows),
            "PageNumber": number,
            "PageSize": size,
        }

    def snapshot(self, now: datetime) -> dict[str, Any]:
        return {"ResourceGroups": [g.view() for g in self.groups.values()]}


def _paged(call: Call, items: list[Any]) -> tuple[list[Any], int, int]:
    number = call.params.number("PageNumber", 1, low=1, high=10**6)
    size = call.params.number("PageSize", 10, low=1, high=100)
    start = (number - 1) * size
    return items[start : start + size], number, size
