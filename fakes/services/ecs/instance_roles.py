"""Instance RAM roles: AttachInstanceRamRole, DetachInstanceRamRole, DescribeInstanceRamRole.

What an instance does with its role (the Cloud Assistant agent reading a Windows password) is
`fakes.agent`'s part. Codes: reference section 1.8.
"""

from __future__ import annotations

from collections.abc import Sequence

from fakes.errors import ApiError
from fakes.services.base import Call, Response, action
from fakes.services.ecs import errors
from fakes.services.ecs.base import EcsBase, json_instance_ids
from fakes.services.ecs.state import Instance
from fakes.services.ram.state import Role


def _result(instance: Instance, success: bool, code: str, message: str) -> dict[str, object]:
    """One instance's line in an Attach/DetachInstanceRamRole answer."""
    return {
        "InstanceId": instance.instance_id,
        "Success": success,
        "Code": code,
        "Message": message,
    }


class InstanceRoleActions(EcsBase):
    """The RAM role an instance holds, which the Cloud Assistant agent acts with (A5)."""

    def _role_instances(self, call: Call, ids: Sequence[str]) -> list[Instance]:
        return self._instances(call, ids, not_found=errors.instance_id_not_found, authorize=True)

    def _ecs_role(self, call: Call, name: str) -> Role:
        role = self.roles.role(name)
        if role is None:
            raise errors.role_not_found()
        if not role.trust.trusts_service("ecs.aliyuncs.com"):
            raise errors.role_not_for_ecs()
        return role

    @action("AttachInstanceRamRole")
    def attach_instance_ram_role(self, call: Call) -> Response:
        name = call.params.require("RamRoleName")
        if call.params.text("Policy"):
            raise errors.unsupported("Policy")
        instances = self._role_instances(call, json_instance_ids(call, required=True) or [])
        role = self._ecs_role(call, name)
        try:
            call.authorize(role.arn, action="ram:PassRole")
        except ApiError:
            raise errors.pass_role_forbidden() from None
        results = []
        for instance in instances:
            if instance.ram_role is not None and instance.ram_role != role.name:
                # An instance holds one role; the code of this refusal is NOT FOUND (reference 1.8).
                results.append(
                    _result(
                        instance,
                        False,
                        "Forbidden.RamRoleAttached",
                        "The instance already has an instance RAM role.",
                    )
                )
                continue
            instance.ram_role = role.name
            results.append(_result(instance, True, "200", "success"))
        failed = sum(1 for r in results if not r["Success"])
        return {
            "RamRoleName": role.name,
            "TotalCount": len(results),
            "FailCount": failed,
            "AttachInstanceRamRoleResults": {"AttachInstanceRamRoleResult": results},
        }

    @action("DetachInstanceRamRole")
    def detach_instance_ram_role(self, call: Call) -> Response:
        name = call.params.text("RamRoleName")
        instances = self._role_instances(call, json_instance_ids(call, required=True) or [])
        results = []
        for instance in instances:
            held = instance.ram_role
            if held is None or (name is not None and held != name):
                results.append(
                    _result(
                        instance,
                        False,
                        "InvalidRamRole.NotEqual",
                        "The instance does not hold the specified RAM role.",
                    )
                )
                continue
            instance.ram_role = None
            done = _result(instance, True, "200", "success")
            done["InstanceRamRoleSets"] = {
                "InstanceRamRoleSet": [{"InstanceId": instance.instance_id, "RamRoleName": held}]
            }
            results.append(done)
        return {
            "RamRoleName": name or "",
            "TotalCount": len(results),
            "FailCount": sum(1 for r in results if not r["Success"]),
            "DetachInstanceRamRoleResults": {"DetachInstanceRamRoleResult": results},
        }

    @action("DescribeInstanceRamRole")
    def describe_instance_ram_role(self, call: Call) -> Response:
        ids = json_instance_ids(call, required=False) or []
        if ids:
            instances = self._role_instances(call, ids)
        else:
            call.authorize(self.arn(call.region, "instance", "*"))
            instances = [i for i in self.instances.values() if i.region == call.region]
        wanted = call.params.text("RamRoleName")
        sets = [
            {"InstanceId": i.instance_id, "RamRoleName": i.ram_role}
            for i in instances
            if i.ram_role is not None and wanted in (None, i.ram_role)
        ]
        return {
            "RegionId": call.region,
            "TotalCount": len(sets),
            "InstanceRamRoleSets": {"InstanceRamRoleSet": sets},
        }
