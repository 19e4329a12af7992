"""Where else a grant comes from, made as an administrator makes it: RAM groups with their
policies and members, policies attached for a resource group (`ResourceGroupId`), resource
groups, and Resource Directory control policies. Each create is written ahead to the cleanup
ledger (`intend`, then `confirm` or `abandon`) like everything provision.py makes; the kinds
added here are removed by harness/provisioning/cleanup.py's Remover.

Verify mode makes none of these: a scenario that needs one is skipped with the reason. Control
policies bind a whole resource directory, so they are made only where the backend says the
account is disposable (`Account.disposable`: the fakes, a replay, a stand-in), never in a real
account."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

import pytest
from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ram20150501 import models as ram
from alibabacloud_resourcedirectorymaster20220419 import models as rd
from alibabacloud_resourcemanager20200331 import models as rm

from harness.config.policies import PolicyRef
from harness.errors import HarnessError
from harness.provisioning.attachments import Attachment, Via, principal_name
from harness.provisioning.ledger import Resource
from harness.provisioning.workshop import Workshop
from harness.sdk.clients import (
    Clients,
    Principal,
    directory_client,
    ecs_client,
    ram_client,
    resource_manager_client,
)
from harness.sdk.gateway import Gateway

T = TypeVar("T")


def _skip(reason: str) -> NoReturn:
    pytest.skip(reason)


class GrantProvisioner:
    """Groups, scoped attachments, resource groups and control policies, as the spec names
    them. `administrator` is None in verify mode, where nothing is made."""

    def __init__(
        self, administrator: Principal | None, workshop: Workshop, *, disposable: bool
    ) -> None:
        """`disposable`: the account's backend says the whole directory may be bound
        (`Account.disposable`), which control policies need."""
        self._admin = administrator
        self._w = workshop
        self._disposable = disposable
        #: Spec name -> the identifier the cloud gave it (a control policy's id).
        self.identifiers: dict[str, str] = {}
        self._made_policies: set[str] = set()

    # ---- plumbing ---------------------------------------------------------------------------

    def _administrator(self, what: str) -> Principal:
        if self._admin is None:
            _skip(f"verify mode: the scenario needs {what}, which verify mode does not make")
        return self._admin

    def _call(self, method: Callable[..., T], request: Any = None) -> T:
        assert self._admin is not None
        return self._w.gateway.call(self._admin.name, method, request)

    def _make(self, method: Callable[..., T], request: Any, resource: Resource) -> T:
        return self._w.ledger.create(resource, lambda: self._call(method, request))

    def _clients(self, what: str) -> Clients:
        return self._w.clients(self._administrator(what))

    def _ram(self) -> Any:
        return ram_client(self._administrator("RAM groups"), self._w.region, self._w.endpoint)

    def _policy_name(self, ref: PolicyRef) -> str:
        """The policy in RAM, created first when it is custom (once per scenario)."""
        if ref.type == "System":
            return ref.ram_name
        name = self._w.names.created(ref.ram_name)
        if name not in self._made_policies:
            self._make(
                self._ram().create_policy,
                ram.CreatePolicyRequest(policy_name=name, policy_document=ref.document),
                Resource("policy", name),
            )
            self._made_policies.add(name)
        return name

    # ---- groups -----------------------------------------------------------------------------

    def group(self, group: str, labels: Sequence[str], member: str | None) -> None:
        """The group `group` with these policies (account level), and `member` in it."""
        client = self._ram()
        made = self._w.names.created(group)
        self._make(
            client.create_group,
            ram.CreateGroupRequest(group_name=made),
            Resource("group", made),
        )
        for label in labels:
            ref = self._w.policies.resolve(label)
            self._attach(Attachment("Group", made, ref.type, self._policy_name(ref)))
        if member is None:
            return
        self._make(
            client.add_user_to_group,
            ram.AddUserToGroupRequest(group_name=made, user_name=member),
            Resource("group_member", member, detail={"GroupName": made}),
        )

    def remove_member(self, group: str, member: str) -> None:
        """Take `member` out of the group, as the administrator would to close the grant."""
        request = ram.RemoveUserFromGroupRequest(
            group_name=self._w.names.created(group), user_name=member
        )
        self._call(self._ram().remove_user_from_group, request)

    # ---- resource groups and scoped attachments -------------------------------------------

    def resource_group_of(self, instance_id: str) -> str:
        """The resource group the instance belongs to (DescribeInstances)."""
        admin = self._administrator("the instance's resource group")
        client = ecs_client(admin, self._w.region, self._w.endpoint)
        request = ecs.DescribeInstancesRequest(
            region_id=self._w.region, instance_ids=f'["{instance_id}"]'
        )
        rows = self._call(client.describe_instances, request).body.instances.instance or []
        group = str(rows[0].resource_group_id or "") if rows else ""
        if not group:
            raise HarnessError(f"the instance `{instance_id}` names no resource group")
        return group

    def resource_group(self, name: str) -> str:
        """A new, empty resource group; its id."""
        admin = self._administrator("a resource group")
        client = resource_manager_client(admin, self._w.region, self._w.endpoint)
        made = self._w.names.created(name)
        request = rm.CreateResourceGroupRequest(name=made, display_name=made)
        answer = self._make(client.create_resource_group, request, Resource("resource_group", made))
        return str(answer.body.resource_group.id)

    def scoped(
        self, user: str, labels: Sequence[str], resource_group_id: str, *, via: Via = "ram"
    ) -> None:
        """Attach these policies to `user` for one resource group only, through RAM
        (AttachPolicyToUser with ResourceGroupId) or Resource Manager (AttachPolicy)."""
        principal = ""
        if via == "resourcemanager":
            clients = self._clients("a Resource Manager attachment")
            principal = principal_name(self._w.gateway, clients.caller, clients, "User", user)
        for label in labels:
            ref = self._w.policies.resolve(label)
            name = self._policy_name(ref)
            self._attach(
                Attachment("User", user, ref.type, name, resource_group_id, via, principal)
            )

    def _attach(self, attachment: Attachment) -> None:
        clients = self._clients("a policy attachment")
        self._w.ledger.create(
            attachment.resource(),
            lambda: attachment.attach(self._w.gateway, clients.caller, clients),
        )

    # ---- control policies -------------------------------------------------------------------

    def control_policy(self, label: str) -> str:
        """The control policy `label` (features/policies/<label>.json), attached to the
        directory's Root folder; the Control Policy feature enabled first. Its id."""
        admin = self._administrator("a control policy")
        if not self._disposable:
            _skip(
                "control policies bind the whole resource directory: the spec makes them on the "
                "fake backends only (attach yours and run the scenario's checks by hand)"
            )
        ref = self._w.policies.resolve(label)
        directory = directory_client(admin, self._w.region, self._w.endpoint)
        self._call(directory.enable_control_policy)
        made = self._w.names.created(ref.ram_name)
        answer = self._make(
            directory.create_control_policy,
            rd.CreateControlPolicyRequest(
                policy_name=made, policy_document=ref.document, effect_scope="RAM"
            ),
            Resource("control_policy", made),
        )
        policy_id = str(answer.body.control_policy.policy_id)
        # The Root folder (A65: it binds this account): no account id in the evidence.
        folder = str(
            self._call(directory.get_resource_directory).body.resource_directory.root_folder_id
        )
        self._make(
            directory.attach_control_policy,
            rd.AttachControlPolicyRequest(policy_id=policy_id, target_id=folder),
            Resource("control_policy_attachment", policy_id, detail={"TargetId": folder}),
        )
        self.identifiers[label] = policy_id
        self.identifiers[ref.ram_name] = policy_id
        return policy_id

    # ---- decoded refusals -------------------------------------------------------------------

    def decode(self, encoded: str) -> dict[str, Any]:
        """A refusal's diagnostic, decoded by ram:DecodeDiagnosticMessage as the administrator."""
        client = self._ram()
        request = ram.DecodeDiagnosticMessageRequest(encoded_diagnostic_message=encoded)
        body = self._call(client.decode_diagnostic_message, request).body
        decoded = body.decoded_diagnostic_message
        return dict(decoded.to_map()) if decoded is not None else {}


#: The ledger kinds this module writes, and `remove_grant` removes (cleanup.py's Remover).
GRANT_KINDS = frozenset(
    {
        "group",
        "group_member",
        "resource_group",
        "control_policy",
        "control_policy_attachment",
        "policy_version",
    }
)


def remove_grant(gateway: Gateway, c: Any, r: Resource) -> None:
    """Remove one resource of a GRANT_KINDS kind as `c` (the owner's `Clients`); a refusal
    raises `Refusal` (the Remover treats "already gone" as done)."""
    d, name, call = r.detail, r.name, gateway.call
    if r.kind == "group":
        call(c.caller, c.ram.delete_group, ram.DeleteGroupRequest(group_name=name))
    elif r.kind == "group_member":
        leave = ram.RemoveUserFromGroupRequest(group_name=d["GroupName"], user_name=name)
        call(c.caller, c.ram.remove_user_from_group, leave)
    elif r.kind == "resource_group":
        listed = call(
            c.caller,
            c.resource_manager.list_resource_groups,
            rm.ListResourceGroupsRequest(name=name),
        ).body.resource_groups.resource_group
        for group in listed or []:
            if group.name == name:
                delete = rm.DeleteResourceGroupRequest(resource_group_id=group.id)
                call(c.caller, c.resource_manager.delete_resource_group, delete)
    elif r.kind == "control_policy":
        request_l = rd.ListControlPoliciesRequest(policy_type="Custom", page_size=100)
        found = call(c.caller, c.directory.list_control_policies, request_l).body
        for policy in found.control_policies.control_policy or []:
            if policy.policy_name == name:
                delete_p = rd.DeleteControlPolicyRequest(policy_id=policy.policy_id)
                call(c.caller, c.directory.delete_control_policy, delete_p)
    elif r.kind == "policy_version":
        if d.get("VersionId", "?") == "?":
            return  # the create's intent: the version it made is recorded on its own
        default = ram.SetDefaultPolicyVersionRequest(policy_name=name, version_id="v1")
        call(c.caller, c.ram.set_default_policy_version, default)
        version = ram.DeletePolicyVersionRequest(policy_name=name, version_id=d["VersionId"])
        call(c.caller, c.ram.delete_policy_version, version)
    elif r.kind == "control_policy_attachment":
        request_d = rd.DetachControlPolicyRequest(policy_id=name, target_id=d["TargetId"])
        call(c.caller, c.directory.detach_control_policy, request_d)
