"""Removing what the harness created, through the official SDKs: one resource at a time (the
ledger's unwind, `python -m harness cleanup --ledger`), or everything whose name starts with a
prefix (`python -m harness cleanup --prefix`). Something already gone counts as removed; what a
create may have made before its answer was lost is found by its name (a saved command through
DescribeCommands, AccessKeys through their user's ListAccessKeys)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_oos20190601 import models as oos
from alibabacloud_ram20150501 import models as ram

from harness.errors import HarnessError
from harness.provisioning.attachments import ATTACHMENT_KINDS, Attachment
from harness.provisioning.grants import GRANT_KINDS, remove_grant
from harness.provisioning.ledger import Resource
from harness.sdk.clients import Clients
from harness.sdk.gateway import Gateway, Refusal

#: Answers that mean the thing is not there (any more).
_GONE_PREFIXES = ("EntityNotExist", "InvalidCmdId.NotFound", "InvalidInstanceId.NotFound")
_GONE_CODES = frozenset({"InvalidRamRole.NotEqual", "InvalidRamRole.NotFound"})


def is_gone(refusal: Refusal) -> bool:
    return refusal.code in _GONE_CODES or refusal.code.startswith(_GONE_PREFIXES)


class Remover:
    """Removes resources as their owners: `clients(owner)` gives the owner's SDK clients."""

    def __init__(self, gateway: Gateway, clients: Callable[[str], Clients]) -> None:
        self._gateway = gateway
        self._clients = clients

    def __call__(self, resource: Resource) -> None:
        """Remove one resource; already gone is fine. A refusal raises `Refusal`."""
        c = self._clients(resource.owner)
        try:
            self._remove(c, resource)
        except Refusal as refusal:
            if not is_gone(refusal):
                raise

    def _remove(self, c: Clients, r: Resource) -> None:
        d, name, region = r.detail, r.name, r.region
        call, iam = self._gateway.call, c.ram
        if r.kind == "user":
            try:
                call(c.caller, iam.delete_user, ram.DeleteUserRequest(user_name=name))
            except Refusal as refusal:
                if refusal.code != "DeleteConflict.User.AccessKey":
                    raise
                self._delete_keys(c, name)  # one the ledger never heard of: its create was cut
                call(c.caller, iam.delete_user, ram.DeleteUserRequest(user_name=name))
        elif r.kind == "access_keys":
            self._delete_keys(c, name)
        elif r.kind == "access_key":
            request = ram.DeleteAccessKeyRequest(user_name=d["UserName"], user_access_key_id=name)
            call(c.caller, iam.delete_access_key, request)
        elif r.kind == "policy":
            call(c.caller, iam.delete_policy, ram.DeletePolicyRequest(policy_name=name))
        elif r.kind in ATTACHMENT_KINDS:  # harness/provisioning/attachments.py
            Attachment.of(r).detach(self._gateway, c.caller, c)
        elif r.kind == "role":
            call(c.caller, iam.delete_role, ram.DeleteRoleRequest(role_name=name))
        elif r.kind == "parameter":
            request_p = oos.DeleteSecretParameterRequest(region_id=region, name=name)
            call(c.caller, c.oos(region).delete_secret_parameter, request_p)
        elif r.kind == "instance_role":
            self._detach_instance_role(c, name, d["InstanceId"], region)
        elif r.kind == "command":
            for command_id in self._command_ids(c, r):
                request_c = ecs.DeleteCommandRequest(region_id=region, command_id=command_id)
                self._delete(c, c.ecs(region).delete_command, request_c)
        elif r.kind in GRANT_KINDS:  # harness/provisioning/grants.py
            remove_grant(self._gateway, c, r)
        else:
            raise HarnessError(f"cannot remove a `{r.kind}`: the ledger is from another version")

    def _delete_keys(self, c: Clients, user: str) -> None:
        """Every AccessKey of `user`, by listing them: a key whose create was interrupted is
        known by its user's name only."""
        for key_id in _Lister(c, self._gateway).keys_of(user):
            request = ram.DeleteAccessKeyRequest(user_name=user, user_access_key_id=key_id)
            self._delete(c, c.ram.delete_access_key, request)

    def _delete(self, c: Clients, method: Callable[..., Any], request: Any) -> None:
        """One of several removals: already gone is fine, and the others still go ahead."""
        try:
            self._gateway.call(c.caller, method, request)
        except Refusal as refusal:
            if not is_gone(refusal):
                raise

    def _command_ids(self, c: Clients, r: Resource) -> list[str]:
        """The saved command's id: known once CreateCommand answered, else looked up by its
        exact name (an interrupted create may or may not have saved it)."""
        if "CommandId" in r.detail:
            return [r.detail["CommandId"]]
        if r.name.startswith("c-") and "Name" in r.detail:
            return [r.name]  # a ledger from before commands were written ahead: name is the id
        found = _Lister(c, self._gateway).commands(r.region, r.name)
        return [command_id for command_id, name in found if name == r.name]

    def _detach_instance_role(self, c: Clients, role: str, instance_id: str, region: str) -> None:
        request = ecs.DetachInstanceRamRoleRequest(
            region_id=region, instance_ids=json.dumps([instance_id]), ram_role_name=role
        )
        answer = self._gateway.call(c.caller, c.ecs(region).detach_instance_ram_role, request)
        body = answer.body
        if body.fail_count:
            rows = body.detach_instance_ram_role_results.detach_instance_ram_role_result
            codes = {str(row.code) for row in rows}
            if not codes <= _GONE_CODES:
                raise HarnessError(f"could not detach role `{role}` from `{instance_id}`: {codes}")


def by_prefix(
    c: Clients, gateway: Gateway, prefix: str, regions: Iterable[str]
) -> Iterator[Resource]:
    """Everything whose name starts with `prefix`, in the order it can be removed: instance
    roles, saved commands and parameters per region, then users, roles and custom policies."""
    lister = _Lister(c, gateway)
    roles = [name for name in lister.roles() if name.startswith(prefix)]
    for region in regions:
        for role in roles:
            for instance_id in lister.instances_holding(role, region):
                yield Resource(
                    "instance_role", role, region=region, detail={"InstanceId": instance_id}
                )
        for command_id, name in lister.commands(region):
            if name.startswith(prefix):
                yield Resource("command", name, region=region, detail={"CommandId": command_id})
        for name in lister.parameters(prefix, region):
            yield Resource("parameter", name, region=region)
    for user in (name for name in lister.users() if name.startswith(prefix)):
        for kind, policy in lister.policies_of("UserName", user):
            yield Resource("user_policy", policy, detail={"PolicyType": kind, "UserName": user})
        for key_id in lister.keys_of(user):
            yield Resource("access_key", key_id, detail={"UserName": user})
        yield Resource("user", user)
    for role in roles:
        for kind, policy in lister.policies_of("RoleName", role):
            yield Resource("role_policy", policy, detail={"PolicyType": kind, "RoleName": role})
        yield Resource("role", role)
    for policy in lister.custom_policies():
        if policy.startswith(prefix):
            yield Resource("policy", policy)


class _Lister:
    """The List and Describe calls `by_prefix` makes, as the administrator."""

    def __init__(self, c: Clients, gateway: Gateway) -> None:
        self._c = c
        self._gateway = gateway

    def _call(self, method: Callable[..., Any], request: Any) -> Any:
        return self._gateway.call(self._c.caller, method, request).body

    def roles(self) -> list[str]:
        body = self._call(self._c.ram.list_roles, ram.ListRolesRequest(max_items=1000))
        return [str(r.role_name) for r in body.roles.role or []]

    def users(self) -> list[str]:
        body = self._call(self._c.ram.list_users, ram.ListUsersRequest(max_items=1000))
        return [str(u.user_name) for u in body.users.user or []]

    def custom_policies(self) -> list[str]:
        request = ram.ListPoliciesRequest(policy_type="Custom", max_items=1000)
        body = self._call(self._c.ram.list_policies, request)
        return [str(p.policy_name) for p in body.policies.policy or []]

    def policies_of(self, who: str, name: str) -> list[tuple[str, str]]:
        if who == "UserName":
            body = self._call(
                self._c.ram.list_policies_for_user, ram.ListPoliciesForUserRequest(user_name=name)
            )
        else:
            body = self._call(
                self._c.ram.list_policies_for_role, ram.ListPoliciesForRoleRequest(role_name=name)
            )
        return [(str(p.policy_type), str(p.policy_name)) for p in body.policies.policy or []]

    def keys_of(self, user: str) -> list[str]:
        body = self._call(self._c.ram.list_access_keys, ram.ListAccessKeysRequest(user_name=user))
        return [str(k.access_key_id) for k in body.access_keys.access_key or []]

    def instances_holding(self, role: str, region: str) -> list[str]:
        request = ecs.DescribeInstanceRamRoleRequest(region_id=region, ram_role_name=role)
        body = self._call(self._c.ecs(region).describe_instance_ram_role, request)
        held = body.instance_ram_role_sets.instance_ram_role_set or []
        return [str(row.instance_id) for row in held]

    def commands(self, region: str, name: str | None = None) -> list[tuple[str, str]]:
        """(CommandId, Name) of every saved command in `region` (named `name`), page by page."""
        found: list[tuple[str, str]] = []
        client = self._c.ecs(region)
        for page in range(1, 1000):
            request = ecs.DescribeCommandsRequest(
                region_id=region, name=name, page_size=50, page_number=page
            )
            body = self._call(client.describe_commands, request)
            rows = body.commands.command or []
            found += [(str(c.command_id), str(c.name)) for c in rows]
            if not rows or len(found) >= int(body.total_count or 0):
                break
        return found

    def parameters(self, prefix: str, region: str) -> list[str]:
        request = oos.ListSecretParametersRequest(region_id=region, name=prefix, max_results=100)
        body = self._call(self._c.oos(region).list_secret_parameters, request)
        names = [str(p.name) for p in body.parameters or []]
        return [n for n in names if n.startswith(prefix)]
