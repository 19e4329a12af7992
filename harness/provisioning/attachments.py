"""A policy attached to a RAM user, group or role, at account level or for one resource group,
made through RAM (AttachPolicyTo*) or through Resource Manager (AttachPolicy): one description
of it gives the create call, the ledger entry that remembers it and the call that removes it, so
provision.py, grants.py and cleanup.py never spell an attach twice.

Resource Manager names the holder by its principal name with the account alias
(`<name>@<alias>.onaliyun.com`, AttachPolicy API reference); RAM's SDK has no call that reads
the alias, so the harness takes the name as Resource Manager itself lists it
(ListPolicyAttachments) for an attachment the holder already has: `principal_name`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from alibabacloud_ram20150501 import models as ram
from alibabacloud_resourcemanager20200331 import models as rm

from harness.errors import HarnessError
from harness.provisioning.ledger import Resource
from harness.sdk.gateway import Gateway

Holder = Literal["User", "Group", "Role"]
Via = Literal["ram", "resourcemanager"]

#: The ledger kind of a RAM attachment, by holder and whether it is scoped (the kinds the
#: ledger has always written, so an older ledger still unwinds).
_RAM_KINDS: Mapping[tuple[Holder, bool], str] = {
    ("User", False): "user_policy",
    ("User", True): "scoped_user_policy",
    ("Group", False): "group_policy",
    ("Group", True): "scoped_group_policy",
    ("Role", False): "role_policy",
    ("Role", True): "scoped_role_policy",
}
#: Resource Manager's attachments, whatever the holder and scope.
MANAGED_KIND = "managed_policy_attachment"
#: Every kind this module writes and removes.
ATTACHMENT_KINDS = frozenset({*_RAM_KINDS.values(), MANAGED_KIND})
#: Resource Manager's PrincipalType of each holder (AttachPolicyRequest).
PRINCIPAL_TYPES: Mapping[Holder, str] = {
    "User": "IMSUser",
    "Group": "IMSGroup",
    "Role": "ServiceRole",
}
_HOLDER_KEYS: Mapping[Holder, str] = {"User": "UserName", "Group": "GroupName", "Role": "RoleName"}


@dataclass(frozen=True)
class Attachment:
    """`policy_name` (of `policy_type`) attached to the `holder` named `name`, for the
    resource group `scope` ("" at account level), made `via` RAM or Resource Manager; a
    Resource Manager attachment names its holder by `principal` (see `principal_name`)."""

    holder: Holder
    name: str
    policy_type: str
    policy_name: str
    scope: str = ""
    via: Via = "ram"
    principal: str = ""
    #: Resource Manager's scope for account level: the account id (AttachPolicy's
    #: ResourceGroupId is required); unused for RAM.
    account_scope: str = ""

    # ---- the ledger ---------------------------------------------------------------------

    def resource(self) -> Resource:
        """The ledger entry that remembers this attachment."""
        if self.via == "resourcemanager":
            detail = {
                "PolicyType": self.policy_type,
                "PrincipalType": PRINCIPAL_TYPES[self.holder],
                "PrincipalName": self.principal,
                "ResourceGroupId": self.scope or self.account_scope,
            }
            return Resource(MANAGED_KIND, self.policy_name, detail=detail)
        detail = {"PolicyType": self.policy_type, _HOLDER_KEYS[self.holder]: self.name}
        if self.scope:
            detail["ResourceGroupId"] = self.scope
        return Resource(_RAM_KINDS[self.holder, bool(self.scope)], self.policy_name, detail=detail)

    @classmethod
    def of(cls, resource: Resource) -> Attachment:
        """The attachment a ledger entry of an ATTACHMENT_KINDS kind remembers."""
        d = resource.detail
        if resource.kind == MANAGED_KIND:
            kind = next(h for h, t in PRINCIPAL_TYPES.items() if t == d["PrincipalType"])
            name = d["PrincipalName"].partition("@")[0]
            return cls(
                kind,
                name,
                d["PolicyType"],
                resource.name,
                d["ResourceGroupId"],
                via="resourcemanager",
                principal=d["PrincipalName"],
            )
        holder = next(h for h, k in _HOLDER_KEYS.items() if k in d)
        return cls(
            holder,
            d[_HOLDER_KEYS[holder]],
            d["PolicyType"],
            resource.name,
            d.get("ResourceGroupId", ""),
        )

    # ---- the calls ----------------------------------------------------------------------

    def attach(self, gateway: Gateway, caller: str, c: Any) -> Any:
        """AttachPolicyTo<holder> (RAM) or AttachPolicy (Resource Manager) as `caller`, with
        `c` the caller's clients (anything with `.ram` and `.resource_manager`)."""
        if self.via == "resourcemanager":
            request = rm.AttachPolicyRequest(**self._managed())
            return gateway.call(caller, c.resource_manager.attach_policy, request)
        method, request = self._ram_call("attach", c.ram)
        return gateway.call(caller, method, request)

    def detach(self, gateway: Gateway, caller: str, c: Any) -> None:
        """The call that undoes `attach`."""
        if self.via == "resourcemanager":
            request_m = rm.DetachPolicyRequest(**self._managed())
            gateway.call(caller, c.resource_manager.detach_policy, request_m)
            return
        method, request = self._ram_call("detach", c.ram)
        gateway.call(caller, method, request)

    def _managed(self) -> dict[str, str]:
        return {
            "policy_type": self.policy_type,
            "policy_name": self.policy_name,
            "principal_type": PRINCIPAL_TYPES[self.holder],
            "principal_name": self.principal,
            "resource_group_id": self.scope or self.account_scope,
        }

    def _ram_call(self, verb: str, client: Any) -> tuple[Callable[..., Any], Any]:
        holder = self.holder.lower()
        fields: dict[str, Any] = {
            "policy_type": self.policy_type,
            "policy_name": self.policy_name,
            f"{holder}_name": self.name,
            "resource_group_id": self.scope or None,
        }
        if verb == "attach":
            method = getattr(client, f"attach_policy_to_{holder}")
            request = getattr(ram, f"AttachPolicyTo{self.holder}Request")(**fields)
        else:
            method = getattr(client, f"detach_policy_from_{holder}")
            request = getattr(ram, f"DetachPolicyFrom{self.holder}Request")(**fields)
        return method, request


def principal_name(gateway: Gateway, caller: str, c: Any, holder: Holder, name: str) -> str:
    """`name`'s principal name as Resource Manager spells it, with the account alias, read
    from an attachment it already has (ListPolicyAttachments)."""
    kind, seen = PRINCIPAL_TYPES[holder], 0
    for page in range(1, 1000):
        request = rm.ListPolicyAttachmentsRequest(
            principal_type=kind, page_size=100, page_number=page
        )
        body = gateway.call(caller, c.resource_manager.list_policy_attachments, request).body
        rows = body.policy_attachments.policy_attachment or []
        for row in rows:
            if str(row.principal_name or "").partition("@")[0] == name:
                return str(row.principal_name)
        seen += len(rows)
        if not rows or seen >= int(body.total_count or 0):
            break
    raise HarnessError(
        f"Resource Manager lists no policy attached to the {holder.lower()} `{name}`, so its "
        "principal name (with the account alias) is unknown: give it a policy through RAM first"
    )
