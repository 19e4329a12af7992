"""Run-and-wait for Cloud Assistant: start a command (RunCommand, or CreateCommand then
InvokeCommand), poll DescribeInvocationResults with backoff until it is final, decode the output.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ecs20140526.client import Client as EcsClient

from harness.config.names import Names
from harness.errors import HarnessError
from harness.provisioning.ledger import CleanupLedger, Resource
from harness.sdk.gateway import Gateway
from harness.sdk.retry import backoff

T = TypeVar("T")
#: Per-instance statuses after which nothing changes any more (reference section 1.7).
FINAL_STATUSES = frozenset(
    {"Success", "Failed", "Error", "Timeout", "Cancelled", "Terminated", "Invalid", "Aborted"}
)
#: Time allowed beyond the command's own Timeout for delivery and reporting.
DELIVERY_ALLOWANCE = 30.0


@dataclass(frozen=True)
class InstanceResult:
    """How one instance's run of one invocation ended."""

    invoke_id: str
    instance_id: str
    status: str
    exit_code: int | None
    output: str
    error_code: str
    error_info: str
    username: str

    @classmethod
    def of_row(cls, invoke_id: str, row: Any, asked: str = "") -> InstanceResult:
        """The result a DescribeInvocationResults row tells (its `Output` Base64, as the harness
        always asks for it): the one mapping from the SDK's row, for one instance or a fleet.
        A row that names no instance is for the one `asked` about, if any."""
        return cls(
            invoke_id=invoke_id,
            instance_id=str(row.instance_id or asked),
            status=str(row.invocation_status or ""),
            exit_code=row.exit_code,
            output=decode_output(row.output),
            error_code=str(row.error_code or ""),
            error_info=str(row.error_info or ""),
            username=str(row.username or ""),
        )


def decode_output(text: str | None) -> str:
    """`Output` is Base64 unless PlainText was asked for; the harness always asks for Base64."""
    if not text:
        return ""
    try:
        return base64.b64decode(text, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        raise HarnessError(f"the cloud returned output that is not Base64: `{text[:40]}`") from None


@dataclass(frozen=True)
class EcsCaller:
    """ECS as one principal calls it in one region, every call through the gateway, and how
    its waits are paced: what Cloud Assistant's runner and the side doors
    (harness/side_doors.py) are each built on."""

    caller: str
    client: EcsClient
    gateway: Gateway
    region: str
    sleep: Callable[[float], None]
    ledger: CleanupLedger | None = None
    first_delay: float = 0.5

    def call(self, method: Callable[..., T], request: Any, *, repeatable: bool | None = None) -> T:
        return self.gateway.call(self.caller, method, request, repeatable=repeatable)


class CommandRunner:
    """Cloud Assistant as one principal sees it, in one region."""

    def __init__(
        self,
        ecs: EcsCaller,
        *,
        names: Names | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self._ecs = ecs
        self._names = names or Names()
        self._progress = progress

    def run(
        self,
        instance_id: str,
        script: str,
        *,
        username: str | None = None,
        script_type: str = "RunShellScript",
        timeout: int = 60,
        password_parameter: str | None = None,
    ) -> str:
        """Start `script` with RunCommand; return the InvokeId. A refusal raises `Refusal`.

        `password_parameter` is the OOS parameter holding a Windows user's password
        (`WindowsPasswordName`): its name, never the password, travels with the request."""
        if password_parameter is not None:
            password_parameter = self._names.parameter(password_parameter)
        request = ecs.RunCommandRequest(
            region_id=self._ecs.region,
            type=script_type,
            command_content=script,
            instance_id=[instance_id],
            username=username,
            windows_password_name=password_parameter,
            timeout=timeout,
            keep_command=False,
            client_token=str(uuid.uuid4()),
        )
        # The ClientToken makes a repeat the same run, so a retry never runs it twice.
        response = self._ecs.call(self._ecs.client.run_command, request, repeatable=True)
        return str(response.body.invoke_id)

    def save(self, name: str, script: str, *, script_type: str = "RunShellScript") -> str:
        """Save a command with CreateCommand; return its CommandId. It goes in the ledger by
        name before the call (the id comes only with the answer), and with its id after.

        CreateCommand reads `CommandContent` as Base64 unless told otherwise (its default, unlike
        RunCommand's), so the content is sent encoded and the encoding is named."""
        name = self._names.created(name)
        request = ecs.CreateCommandRequest(
            region_id=self._ecs.region,
            name=name,
            type=script_type,
            command_content=base64.b64encode(script.encode("utf-8")).decode("ascii"),
            content_encoding="Base64",
        )
        if self._ecs.ledger is None:
            return str(self._ecs.call(self._ecs.client.create_command, request).body.command_id)
        saved = Resource("command", name, self._ecs.caller, self._ecs.region)
        response = self._ecs.ledger.create(
            saved,
            lambda: self._ecs.call(self._ecs.client.create_command, request),
            lambda answer: replace(saved, detail={"CommandId": str(answer.body.command_id)}),
        )
        return str(response.body.command_id)

    def find_saved(self, name: str) -> str:
        name = self._names.created(name)
        request = ecs.DescribeCommandsRequest(region_id=self._ecs.region, name=name)
        response = self._ecs.call(self._ecs.client.describe_commands, request)
        commands = response.body.commands.command or []
        if not commands:
            raise HarnessError(f"no saved command named `{name}` in {self._ecs.region}")
        return str(commands[0].command_id)

    def invoke(self, command_id: str, instance_id: str, *, username: str | None = None) -> str:
        """Run a saved command with InvokeCommand; return the InvokeId."""
        request = ecs.InvokeCommandRequest(
            region_id=self._ecs.region,
            command_id=command_id,
            instance_id=[instance_id],
            username=username,
            client_token=str(uuid.uuid4()),
        )
        response = self._ecs.call(self._ecs.client.invoke_command, request, repeatable=True)
        return str(response.body.invoke_id)

    def result(self, invoke_id: str, instance_id: str) -> InstanceResult | None:
        """One DescribeInvocationResults read; None while the cloud reports no result yet."""
        request = ecs.DescribeInvocationResultsRequest(
            region_id=self._ecs.region,
            invoke_id=invoke_id,
            instance_id=instance_id,
            content_encoding="Base64",
        )
        response = self._ecs.call(self._ecs.client.describe_invocation_results, request)
        invocation = response.body.invocation
        found = invocation.invocation_results.invocation_result if invocation else None
        if not found:
            return None
        return InstanceResult.of_row(invoke_id, found[0], instance_id)

    def wait(self, invoke_id: str, instance_id: str, *, timeout: int = 60) -> InstanceResult:
        """Poll until the result is final; give up after the command's timeout plus delivery."""
        deadline = timeout + DELIVERY_ALLOWANCE
        waited = 0.0
        delays = backoff(self._ecs.first_delay)
        last: InstanceResult | None = None
        while True:
            last = self.result(invoke_id, instance_id)
            if self._progress is not None:
                seen = last.status if last else "no result yet"
                self._progress(
                    f"{self._ecs.caller}: {invoke_id} on {instance_id}: {seen} after {waited:.1f} s"
                )
            if last is not None and last.status in FINAL_STATUSES:
                return last
            if waited >= deadline:
                seen = last.status if last else "no result"
                raise HarnessError(
                    f"invocation `{invoke_id}` on `{instance_id}` was not final after "
                    f"{deadline:.0f} s (last status: {seen})"
                )
            delay = next(delays)
            self._ecs.sleep(delay)
            waited += delay

    def invocations_on(self, instance_id: str) -> set[str]:
        """Every InvokeId the cloud lists for the instance (up to 50 most recent)."""
        request = ecs.DescribeInvocationsRequest(
            region_id=self._ecs.region, instance_id=instance_id, page_size=50
        )
        response = self._ecs.call(self._ecs.client.describe_invocations, request)
        invocations = response.body.invocations.invocation or []
        return {str(i.invoke_id) for i in invocations}

    def _instance(self, instance_id: str) -> Any:
        """The instance as DescribeInstances tells it, or None when the region has no such."""
        request = ecs.DescribeInstancesRequest(
            region_id=self._ecs.region, instance_ids=json.dumps([instance_id])
        )
        response = self._ecs.call(self._ecs.client.describe_instances, request)
        found = response.body.instances.instance or []
        return found[0] if found else None

    def os_of(self, instance_id: str) -> str | None:
        """The instance's OS type (`linux`, `windows`), or None when the region has no such."""
        found = self._instance(instance_id)
        return str(found.ostype or "").lower() if found is not None else None

    def hostname_of(self, instance_id: str) -> str:
        """The instance's host name, as Windows prints it before a user name in `whoami`."""
        found = self._instance(instance_id)
        if found is None:
            raise HarnessError(f"instance `{instance_id}` is not in {self._ecs.region}")
        return str(found.host_name)

    def list_instances(self) -> list[str]:
        request = ecs.DescribeInstancesRequest(region_id=self._ecs.region, page_size=100)
        response = self._ecs.call(self._ecs.client.describe_instances, request)
        instances = response.body.instances.instance or []
        return [str(i.instance_id) for i in instances]
