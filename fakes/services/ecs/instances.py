"""Instances: how a test creates one (`add_instance`, `on_command`), and DescribeInstances and
DescribeCloudAssistantStatus, which carry no `ecs:CommandRunAs` (A8, A11)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from fakes.clock import iso
from fakes.guest import CommandHandler, Guest
from fakes.guest.privilege import GuestPrivilege
from fakes.services.base import Call, Response, action
from fakes.services.ecs import errors
from fakes.services.ecs.base import MAX_INSTANCES, EcsBase, json_instance_ids, paginate
from fakes.services.ecs.state import Instance

OS_NAMES = ("linux", "windows")


class InstanceActions(EcsBase):
    """Instances and their guests."""

    def add_instance(
        self,
        os: str,
        region: str,
        users: Iterable[str] | Mapping[str, str],
        *,
        now: datetime,
        hostname: str | None = None,
        name: str | None = None,
        resource_group_id: str = "",
        privilege: GuestPrivilege | None = None,
    ) -> str:
        """A running instance with Cloud Assistant and the given OS users; its id.

        `users` is a list of names (Linux) or a mapping of name -> logon password (Windows);
        `privilege` who else is root (sudoers, groups, Administrators, uid-0 aliases)."""
        if os not in OS_NAMES:
            raise ValueError(f"unknown os `{os}`: choose `linux` or `windows`")
        passwords: dict[str, str | None] = (
            dict(users.items()) if isinstance(users, Mapping) else dict.fromkeys(users)
        )
        instance_id = self._ids.instance()
        instance = Instance(
            instance_id=instance_id,
            region=region,
            name=name or f"{os}-{instance_id[-6:]}",
            created=now,
            resource_group_id=resource_group_id,
            guest=Guest(
                os,
                hostname or ("iZ" + instance_id[2:14] + "Z"),
                passwords,
                **(privilege or GuestPrivilege()).as_kwargs(),
            ),
        )
        self.instances[instance_id] = instance
        return instance_id

    def on_command(self, name: str, handler: CommandHandler) -> None:
        """Teach every guest a command: `handler(Execution) -> ExecResult`."""
        self.handlers[name] = handler

    @action("DescribeInstances")
    def describe_instances(self, call: Call) -> Response:
        call.authorize(self.arn(call.region, "instance", "*"))  # A11
        wanted = json_instance_ids(call, required=False)
        chosen = [
            i
            for i in self.instances.values()
            if i.region == call.region and (wanted is None or i.instance_id in wanted)
        ]
        page, number, size = paginate(call, chosen, default=10, high=100)
        return {
            "Instances": {
                "Instance": [
                    {
                        "InstanceId": i.instance_id,
                        "InstanceName": i.name,
                        "HostName": i.guest.hostname,
                        "OSType": i.os,
                        "OSName": "Alibaba Cloud Linux 3"
                        if i.os == "linux"
                        else "Windows Server 2022",
                        "Status": "Running",
                        "RegionId": i.region,
                        "ZoneId": f"{i.region}-h",
                        "ResourceGroupId": i.resource_group_id,
                        "CreationTime": i.created.strftime("%Y-%m-%dT%H:%MZ"),
                    }
                    for i in page
                ]
            },
            "TotalCount": len(chosen),
            "PageNumber": number,
            "PageSize": size,
        }

    @action("DescribeCloudAssistantStatus")
    def describe_cloud_assistant_status(self, call: Call) -> Response:
        ids = call.params.items_of("InstanceId")
        if len(ids) > MAX_INSTANCES:
            raise errors.too_many_instances()
        if ids:
            instances = self._instances(call, ids)
            for instance in instances:
                call.authorize(self.arn(call.region, "instance", instance.instance_id))
        else:
            call.authorize(self.arn(call.region, "instance", "*"))
            instances = [i for i in self.instances.values() if i.region == call.region]
        self.settle(call.now)
        page, number, size = paginate(call, instances, default=10, high=50)
        statuses = []
        for instance in page:
            mine = [
                t
                for inv in self.invocations.values()
                for t in inv.targets
                if t.instance is instance
            ]
            statuses.append(
                {
                    "InstanceId": instance.instance_id,
                    "CloudAssistantStatus": "true",
                    "CloudAssistantVersion": "2.2.3.1000",
                    "OSType": "Linux" if instance.os == "linux" else "Windows",
                    "InvocationCount": len(mine),
                    "ActiveTaskCount": sum(
                        1 for t in mine if t.status(call.now) in ("Pending", "Running")
                    ),
                    "LastHeartbeatTime": iso(call.now),
                    "LastInvokedTime": iso(
                        max((t.start_at for t in mine), default=instance.created)
                    ),
                    "SupportSessionManager": True,
                }
            )
        return {
            "InstanceCloudAssistantStatusSet": {"InstanceCloudAssistantStatus": statuses},
            "TotalCount": len(instances),
            "PageNumber": number,
            "PageSize": size,
        }
