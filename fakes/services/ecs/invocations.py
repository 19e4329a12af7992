"""Invocations: StopInvocation, ModifyInvocationAttribute, DescribeInvocations and
DescribeInvocationResults. A read first
runs what is due on the virtual clock (`settle`); none of these calls carries `ecs:CommandRunAs`
(A8, A11)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakes.clock import iso
from fakes.services.base import Call, Response, action
from fakes.services.ecs import errors
from fakes.services.ecs.base import EcsBase, PageRequest, bad_token, page_request
from fakes.services.ecs.commands import check_parameters, script_content
from fakes.services.ecs.records import InvalidToken, Page, Query
from fakes.services.ecs.requests import sent_values
from fakes.services.ecs.schedules import check_frequency
from fakes.services.ecs.state import Invocation, Target, encode_text

#: What the reads of invocations read from their request (each once, `sent_values`).
_READ = frozenset(
    (
        "InvokeId",
        "CommandId",
        "InstanceId",
        "InvokeStatus",
        "InvokeRecordStatus",
        "ContentEncoding",
        "IncludeOutput",
        "MaxResults",
        "NextToken",
        "PageNumber",
        "PageSize",
    )
)


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
        self.reopen(invocation)
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
        self.reopen(invocation)
        return {"CommandId": invocation.command.command_id}

    def _begin_read(self, call: Call) -> dict[str, str]:
        """What a read of invocations does first: authorize it (A8, A11) and run what is due.
        Returns the parameters of `_READ` sent (`sent_values`)."""
        sent = sent_values(call.params, _READ)
        call.authorize(self.arn(call.region, "instance", sent.get("InstanceId", "*")))
        self.settle(call.now)
        return sent

    def _query(self, call: Call, sent: dict[str, str], status: str) -> tuple[Query, PageRequest]:
        """What the read asks for, `status` naming the parameter of the status it filters by."""
        query = Query(
            call.region,
            sent.get("InvokeId"),
            sent.get("CommandId"),
            sent.get("InstanceId"),
            sent.get(status),
        )
        return query, page_request(call, sent, default=10, high=50)

    def _page(self, read: Callable[..., Page], call: Call, query: Query, at: PageRequest) -> Page:
        """One page from the records (indexed: the cost is the page's, A100)."""
        try:
            return read(query, call.now, after=at.token, start=at.start, size=at.size)
        except InvalidToken as e:
            raise bad_token(e) from None

    @action("DescribeInvocations")
    def describe_invocations(self, call: Call) -> Response:
        sent = self._begin_read(call)
        encoding = sent.get("ContentEncoding", "Base64")
        include_output = "IncludeOutput" in sent and call.params.flag("IncludeOutput")
        query, at = self._query(call, sent, "InvokeStatus")
        page = self._page(self.records.invocations, call, query, at)
        return {
            "Invocations": {
                "Invocation": [
                    self._invocation_view(call, inv, encoding, include_output) for inv in page.items
                ]
            },
            **at.fields(page.total, page.next_token),
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
        sent = self._begin_read(call)
        encoding = sent.get("ContentEncoding", "Base64")
        query, at = self._query(call, sent, "InvokeRecordStatus")
        page = self._page(self.records.results, call, query, at)
        rows = [target.view(call.now, encoding, inv) for inv, target in page.items]
        return {
            "Invocation": {
                "InvocationResults": {"InvocationResult": rows},
                **at.fields(page.total, page.next_token),
            }
        }
