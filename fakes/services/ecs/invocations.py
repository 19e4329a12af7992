"""Invocations: StopInvocation, ModifyInvocationAttribute, DescribeInvocations and
DescribeInvocationResults. A read first
runs what is due on the virtual clock (`settle`); none of these calls carries `ecs:CommandRunAs`
(A8, A11)."""

from __future__ import annotations

from typing import Any

from fakes.clock import iso
from fakes.services.base import Call, Response, action
from fakes.services.ecs import errors
from fakes.services.ecs.base import EcsBase, paginate
from fakes.services.ecs.commands import check_parameters, script_content
from fakes.services.ecs.schedules import check_frequency
from fakes.services.ecs.state import Invocation, Target, encode_text


class InvocationActions(EcsBase):
    """The runs of commands on instances, and their results."""

    def _invocation(self, call: Call) -> Invocation:
        invoke_id = call.params.require("InvokeId")
        invocation = self.invocations.get(invoke_id)
        if invocation is None or invocation.region != call.region:
            raise errors.invocation_not_found()
        return invocation

    @action("StopInvocation")
    def stop_invocation(self, call: Call) -> Response:
        invocation = self._invocation(call)
        wanted = set(call.params.items_of("InstanceId"))
        targets = [t for t in invocation.targets if not wanted or t.instance.instance_id in wanted]
        for target in targets:  # A8
            call.authorize(self.arn(call.region, "instance", target.instance.instance_id))
        self.settle(call.now)
        for target in targets:
            if target.status(call.now) in ("Pending", "Running", "Scheduled"):
                target.stopped_at = call.now
        if invocation.periodic and len(targets) == len(invocation.targets):
            invocation.stopped = True  # no more runs of the task
        return {}

    @action("ModifyInvocationAttribute")
    def modify_invocation_attribute(self, call: Call) -> Response:
        """New content, frequency or instances for a periodic or reboot task; the task keeps
        its run-as user (API reference; reference section 2). Authorized on each instance of
        the task and on its command, with no `ecs:CommandRunAs` (A45)."""
        invocation = self._invocation(call)
        added = [
            i
            for i in dict.fromkeys(call.params.items_of("InstanceId"))
            if all(t.instance.instance_id != i for t in invocation.targets)
        ]
        for target in invocation.targets:
            call.authorize(self.arn(call.region, "instance", target.instance.instance_id))
        new_instances = self._instances(call, added, authorize=True)
        call.authorize(self.arn(call.region, "command", invocation.command.command_id))
        if not invocation.periodic or invocation.stopped:
            raise errors.not_periodic()
        check_parameters(call)
        content = script_content(call) if call.params.text("CommandContent") is not None else None
        frequency = call.params.text("Frequency")
        if frequency is not None:
            if invocation.repeat_mode != "Period":
                raise errors.invalid_frequency("only a Period task has a frequency")
            check_frequency(frequency, invocation.timeout)
            invocation.frequency = frequency
        if content is not None:
            invocation.script = content  # from the next run on
        first = invocation.targets[0]
        for instance in new_instances:
            invocation.targets.append(
                Target(
                    instance=instance,
                    username=first.username,
                    start_at=call.now,
                    finish_at=call.now,
                    waiting=True,
                )
            )
        self._unsettled.add(invocation.invoke_id)
        return {"CommandId": invocation.command.command_id}

    def _begin_read(self, call: Call) -> str:
        """What a read of invocations does first: authorize it (A8, A11) and run what is due.
        Returns the ContentEncoding the caller asked for."""
        instance_id = call.params.text("InstanceId")
        call.authorize(self.arn(call.region, "instance", instance_id or "*"))
        self.settle(call.now)
        return call.params.text("ContentEncoding") or "Base64"

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
        encoding = self._begin_read(call)
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
            "CommandContent": encode_text(inv.script, encoding),
            "CommandDescription": inv.command.description,
            "CreationTime": iso(inv.created),
            "InvocationStatus": inv.overall(now),
            "InvokeStatus": inv.legacy_status(now),
            "RepeatMode": inv.repeat_mode,
            "Timed": inv.periodic,
            "Frequency": inv.frequency,
            "Timeout": inv.timeout,
            "Username": inv.username,
            "WorkingDir": inv.command.working_dir,
            "InvokeInstances": {"InvokeInstance": instances},
        }

    @action("DescribeInvocationResults")
    def describe_invocation_results(self, call: Call) -> Response:
        encoding = self._begin_read(call)
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
