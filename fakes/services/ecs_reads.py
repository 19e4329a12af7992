"""ECS's read-only calls: DescribeInstances, DescribeCommands, DescribeInvocations,
DescribeInvocationResults and DescribeCloudAssistantStatus. A part of the ECS service, kept apart
so each module reads in one sitting; none of these calls carries `ecs:CommandRunAs` (A8, A11).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from fakes.clock import iso
from fakes.errors import ApiError
from fakes.services.base import Call, Response, action
from fakes.services.ecs_models import Command, Instance, Invocation

MAX_INSTANCES = 100
T = TypeVar("T")


def too_many_instances() -> ApiError:
    return ApiError(
        "InstanceIds.ExceedLimit", "The number of instance IDs exceeds the upper limit.", 403
    )


def paginate(
    call: Call, items: Sequence[T], *, default: int, high: int
) -> tuple[list[T], int, int]:
    """`PageNumber`/`PageSize` applied to `items`: the page, its number and its size."""
    number = call.params.number("PageNumber", 1, low=1, high=10**6)
    size = call.params.number("PageSize", default, low=1, high=high)
    start = (number - 1) * size
    return list(items[start : start + size]), number, size


def json_instance_ids(call: Call, *, required: bool) -> list[str] | None:
    """`InstanceIds`, which some ECS calls take as a JSON array string (`["i-1"]`), not `.N`.

    None when absent and not required; a required list must not be empty."""
    raw = call.params.text("InstanceIds")
    if raw is None:
        if required:
            raise ApiError(
                "InvalidInstanceIds.Malformed", "The specified parameter InstanceIds is empty.", 400
            )
        return None
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        parsed = None
    if (
        not isinstance(parsed, list)
        or not all(isinstance(i, str) for i in parsed)
        or (required and not parsed)
    ):
        raise ApiError(
            "InvalidInstanceIds.Malformed",
            "The specified parameter InstanceIds is not a JSON array of instance ids.",
            400,
        )
    if len(parsed) > MAX_INSTANCES:
        raise too_many_instances()
    return list(dict.fromkeys(parsed))


class EcsReads:
    """The read actions of `EcsService`, which provides the state and helpers used here."""

    instances: dict[str, Instance]
    commands: dict[str, Command]
    invocations: dict[str, Invocation]

    def arn(self, region: str, kind: str, resource_id: str) -> str:
        raise NotImplementedError

    def _instances(self, call: Call, ids: Sequence[str]) -> list[Instance]:
        raise NotImplementedError

    def settle(self, now: datetime) -> None:
        raise NotImplementedError

    @action("DescribeCommands")
    def describe_commands(self, call: Call) -> Response:
        call.authorize(self.arn(call.region, "command", "*"))  # A8, A11
        encoding = call.params.text("ContentEncoding") or "Base64"
        wanted_id, wanted_name = call.params.text("CommandId"), call.params.text("Name")
        wanted_type = call.params.text("Type")
        chosen = [
            c
            for c in self.commands.values()
            if c.kept
            and c.region == call.region
            and wanted_id in (None, c.command_id)
            and wanted_name in (None, c.name)
            and wanted_type in (None, c.type)
        ]
        page, number, size = paginate(call, chosen, default=10, high=50)
        return {
            "Commands": {
                "Command": [
                    {
                        "CommandId": c.command_id,
                        "Name": c.name,
                        "Type": c.type,
                        "Description": c.description,
                        "CommandContent": c.content_as(encoding),
                        "WorkingDir": c.working_dir,
                        "Timeout": c.timeout,
                        "CreationTime": iso(c.created),
                        "InvokeTimes": c.invoke_times,
                        "Latest": True,
                        "Version": 1,
                        "Provider": "",
                        "EnableParameter": False,
                    }
                    for c in page
                ]
            },
            "TotalCount": len(chosen),
            "PageNumber": number,
            "PageSize": size,
        }

    def _reads_invocations(self, call: Call) -> None:
        instance_id = call.params.text("InstanceId")
        call.authorize(self.arn(call.region, "instance", instance_id or "*"))  # A8, A11

    def _matching_invocations(self, call: Call) -> list[Invocation]:
        invoke_id = call.params.text("InvokeId")
        command_id = call.params.text("CommandId")
        instance_id = call.params.text("InstanceId")
        if invoke_id is not None:
            found = self.invocations.get(invoke_id)
            candidates = [found] if found else []
        else:  # newest first; dicts keep creation order
            candidates = list(reversed(self.invocations.values()))
        return [
            inv
            for inv in candidates
            if inv.region == call.region
            and invoke_id in (None, inv.invoke_id)
            and command_id in (None, inv.command.command_id)
            and (
                instance_id is None
                or any(t.instance.instance_id == instance_id for t in inv.targets)
            )
        ]

    @action("DescribeInvocations")
    def describe_invocations(self, call: Call) -> Response:
        self._reads_invocations(call)
        self.settle(call.now)
        encoding = call.params.text("ContentEncoding") or "Base64"
        include_output = call.params.flag("IncludeOutput")
        wanted_status = call.params.text("InvokeStatus")
        chosen = [
            inv
            for inv in self._matching_invocations(call)
            if wanted_status in (None, inv.overall(call.now), inv.legacy_status(call.now))
        ]
        page, number, size = paginate(call, chosen, default=10, high=50)
        return {
            "Invocations": {
                "Invocation": [
                    self._invocation_view(call, inv, encoding, include_output) for inv in page
                ]
            },
            "TotalCount": len(chosen),
            "PageNumber": number,
            "PageSize": size,
        }

    def _invocation_view(
        self, call: Call, inv: Invocation, encoding: str, include_output: bool
    ) -> dict[str, Any]:
        now = call.now
        instances = []
        for target in inv.targets:
            result = target.view(now, encoding, inv)
            instances.append(
                {
                    "InstanceId": result["InstanceId"],
                    "InvocationStatus": result["InvocationStatus"],
                    "InstanceInvokeStatus": result["InvokeRecordStatus"],
                    "ErrorCode": result["ErrorCode"],
                    "ErrorInfo": result["ErrorInfo"],
                    "ExitCode": result.get("ExitCode"),
                    "Output": result["Output"] if include_output else "",
                    "Dropped": result["Dropped"],
                    "Repeats": result["Repeats"],
                    "StartTime": result["StartTime"],
                    "FinishTime": result["FinishedTime"],
                    "StopTime": result["StopTime"],
                    "CreationTime": iso(inv.created),
                    "UpdateTime": iso(now),
                    "Timed": False,
                }
            )
        return {
            "InvokeId": inv.invoke_id,
            "CommandId": inv.command.command_id,
            "CommandName": inv.command.name,
            "CommandType": inv.command.type,
            "CommandContent": inv.command.content_as(encoding),
            "CommandDescription": inv.command.description,
            "CreationTime": iso(inv.created),
            "InvocationStatus": inv.overall(now),
            "InvokeStatus": inv.legacy_status(now),
            "RepeatMode": "Once",
            "Timed": False,
            "Frequency": "",
            "Timeout": inv.timeout,
            "Username": inv.username,
            "WorkingDir": inv.command.working_dir,
            "InvokeInstances": {"InvokeInstance": instances},
        }

    @action("DescribeInvocationResults")
    def describe_invocation_results(self, call: Call) -> Response:
        self._reads_invocations(call)
        self.settle(call.now)
        encoding = call.params.text("ContentEncoding") or "Base64"
        instance_id = call.params.text("InstanceId")
        wanted = call.params.text("InvokeRecordStatus")
        results = [
            target.view(call.now, encoding, inv)
            for inv in self._matching_invocations(call)
            for target in inv.targets
            if instance_id in (None, target.instance.instance_id)
        ]
        if wanted:
            results = [
                r for r in results if wanted in (r["InvokeRecordStatus"], r["InvocationStatus"])
            ]
        page, number, size = paginate(call, results, default=10, high=50)
        return {
            "Invocation": {
                "InvocationResults": {"InvocationResult": page},
                "TotalCount": len(results),
                "PageNumber": number,
                "PageSize": size,
            }
        }

    @action("DescribeCloudAssistantStatus")
    def describe_cloud_assistant_status(self, call: Call) -> Response:
        ids = call.params.items_of("InstanceId")
        if len(ids) > MAX_INSTANCES:
            raise too_many_instances()
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

    # ---- instances ----------------------------------------------------------------------------

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
                        "CreationTime": i.created.strftime("%Y-%m-%dT%H:%MZ"),
                    }
                    for i in page
                ]
            },
            "TotalCount": len(chosen),
            "PageNumber": number,
            "PageSize": size,
        }
