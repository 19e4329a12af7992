"""SendFile and DescribeSendFileResults: Cloud Assistant writes a file on instances, as root by
default (FileOwner and FileGroup default to root, FileMode to 0644: [SDK] `_send_file_request.py`).

A side door: SendFile carries no `ecs:CommandRunAs` (reference section 1), so a policy that
conditions RunCommand on the run-as user does not touch it, and a root-owned file in
`/etc/sudoers.d/` makes any user root. Authorized per target instance (A42).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from fakes.clock import iso
from fakes.errors import invalid_parameter
from fakes.services.base import Call, Response, action
from fakes.services.ecs import errors
from fakes.services.ecs.base import EcsBase
from fakes.services.ecs.deliveries import FileDelivery
from fakes.services.ecs.requests import has_tags, listing, tags_of
from fakes.services.ecs.state import RUN_TIME, START_DELAY, Instance

MAX_FILE_INSTANCES = 50
MAX_CONTENT = 32 * 1024  # after Base64 encoding
MIN_TIMEOUT = 10  # "less than 10 seconds ... automatically sets the timeout period to 10"
FILE_STATUSES = ("Pending", "Running", "Success", "Failed", "PartialFailed")


def _check_group(group: str | None, instances: list[Instance]) -> None:
    """SendFile's ResourceGroupId: "The ECS instance specified by InstanceId must belong to this
    resource group" ([SDK] `_send_file_request.py`; the refusal's code is A81's)."""
    if group is not None and any(i.resource_group_id != group for i in instances):
        raise errors.resource_group_mismatch(group)


class FileActions(EcsBase):
    """Files Cloud Assistant sends to instances."""

    @action("SendFile")
    def send_file(self, call: Call) -> Response:
        name = call.params.require("Name")
        target_dir = call.params.require("TargetDir")
        raw = call.params.text("Content")
        if raw is None:
            raise errors.file_content_missing()
        kind = call.params.text("ContentType") or "PlainText"
        if kind.lower() == "base64":
            if len(raw) > MAX_CONTENT:
                raise errors.command_too_long()
            try:
                content = base64.b64decode(raw, validate=True)
            except binascii.Error:
                raise invalid_parameter(
                    "Content", raw[:32], "It is not valid Base64 text."
                ) from None
        else:
            content = raw.encode("utf-8")
            if len(base64.b64encode(content)) > MAX_CONTENT:
                raise errors.command_too_long()
        mode = call.params.text("FileMode") or "0644"
        if not (mode.isdigit() and set(mode) <= set("01234567") and len(mode) in (3, 4)):
            raise errors.invalid_file_mode()
        if not target_dir.startswith("/") and ":" not in target_dir:
            raise errors.invalid_target_dir()
        ids = list(dict.fromkeys(call.params.items_of("InstanceId")))
        if not ids:
            raise errors.missing_instance_id()
        if len(ids) > MAX_FILE_INSTANCES:
            raise errors.file_too_many_instances()
        tags = tags_of(call)
        timeout = max(MIN_TIMEOUT, call.params.number("Timeout", 60, low=0, high=86400))  # A81
        instances = self._instances(call, ids, authorize=True)  # A42: no ecs:CommandRunAs
        group = call.params.text("ResourceGroupId")
        _check_group(group, instances)
        delivery = FileDelivery(
            invoke_id=self._ids.invocation(),
            region=call.region,
            name=name,
            description=call.params.text("Description") or "",
            target_dir=target_dir,
            content=content,
            content_type=kind,
            raw_content=raw,
            owner=call.params.text("FileOwner") or "root",
            group=call.params.text("FileGroup") or "root",
            mode=mode,
            overwrite=call.params.flag("Overwrite"),
            created=call.now,
            instances=instances,
            timeout=timeout,
            resource_group_id=group or "",
            tags=tags,
        )
        self.deliver(delivery)
        return {"InvokeId": delivery.invoke_id}

    @action("DescribeSendFileResults")
    def describe_send_file_results(self, call: Call) -> Response:
        instance_id = call.params.text("InstanceId")
        call.authorize(self.arn(call.region, "instance", instance_id or "*"))  # A11
        self.settle(call.now)
        wanted_id, wanted_name = call.params.text("InvokeId"), call.params.text("Name")
        wanted_status = call.params.text("InvocationStatus")
        if wanted_status is not None and wanted_status not in FILE_STATUSES:
            raise invalid_parameter("InvocationStatus", wanted_status, "Use a documented status.")
        wanted_group, wanted_tags = call.params.text("ResourceGroupId"), tags_of(call)
        chosen = [
            view
            for d in reversed(self.deliveries.values())
            if d.region == call.region
            and wanted_id in (None, d.invoke_id)
            and wanted_name in (None, d.name)
            and (instance_id is None or any(i.instance_id == instance_id for i in d.instances))
            and wanted_group in (None, d.resource_group_id)
            and has_tags(d.tags, wanted_tags)
            for view in (self._delivery_view(d, call.now),)
            if wanted_status in (None, view["InvocationStatus"])
        ]
        return listing(call, chosen, "Invocations", "Invocation", default=10, high=50, tokens=True)

    @staticmethod
    def _delivery_view(d: FileDelivery, now: datetime) -> dict[str, Any]:
        rows = []
        for instance in d.instances:
            status = d.status(instance.instance_id, now)
            code = d.results.get(instance.instance_id, "")
            rows.append(
                {
                    "InstanceId": instance.instance_id,
                    "InvocationStatus": status,
                    "ErrorCode": code,
                    "ErrorInfo": code,
                    "StartTime": iso(d.created + START_DELAY) if status != "Pending" else "",
                    "FinishTime": iso(d.created + START_DELAY + RUN_TIME) if d.done else "",
                    "CreationTime": iso(d.created),
                    "UpdateTime": iso(now),
                }
            )
        statuses = {r["InvocationStatus"] for r in rows}
        # The documented roll-up ([SDK] `_describe_send_file_results_request.py`,
        # InvocationStatus): any Pending, else any Running, else all alike, else PartialFailed.
        if len(statuses) == 1:
            (overall,) = statuses
        elif "Pending" in statuses:
            overall = "Pending"
        elif "Running" in statuses:
            overall = "Running"
        else:
            overall = "PartialFailed"
        return {
            "InvokeId": d.invoke_id,
            "Name": d.name,
            "Description": d.description,
            "TargetDir": d.target_dir,
            "Content": d.raw_content,
            "ContentType": d.content_type,
            "FileOwner": d.owner,
            "FileGroup": d.group,
            "FileMode": d.mode,
            "Overwrite": str(d.overwrite).lower(),
            "CreationTime": iso(d.created),
            "InvocationStatus": overall,
            "Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in d.tags.items()]},
            "VmCount": len(rows),
            "InvokeInstances": {"InvokeInstance": rows},
        }
