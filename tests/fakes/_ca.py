"""Small helpers shared by the paths-to-root tests: run a script and read how it ended."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.exceptions import ClientException

REGION = "cn-hangzhou"


def refused(call: Callable[[], Any]) -> ClientException:
    with pytest.raises(ClientException) as caught:
        call()
    return caught.value


def result(ecs: EcsClient, invoke_id: str, *, polls: int = 10) -> Any:
    """The first result row once final (or the last one seen after `polls` reads)."""
    row = None
    for _ in range(polls):
        rows = ecs.describe_invocation_results(
            ecs_models.DescribeInvocationResultsRequest(region_id=REGION, invoke_id=invoke_id)
        ).body.invocation.invocation_results.invocation_result
        row = rows[0]
        if row.invocation_status in ("Success", "Failed", "Cancelled", "Terminated"):
            return row
    return row


def output(row: Any) -> str:
    return base64.b64decode(row.output or "").decode()


def run(ecs: EcsClient, instance: str, script: str, **fields: Any) -> str:
    """RunCommand, plain text; the InvokeId."""
    request = ecs_models.RunCommandRequest(
        region_id=REGION,
        type=fields.pop("type", "RunShellScript"),
        command_content=script,
        instance_id=[instance],
        **fields,
    )
    return str(ecs.run_command(request).body.invoke_id)


def invoke(ecs: EcsClient, instance: str, command_id: str, **fields: Any) -> str:
    """InvokeCommand on one instance; the InvokeId."""
    request = ecs_models.InvokeCommandRequest(
        region_id=REGION, command_id=command_id, instance_id=[instance], **fields
    )
    return str(ecs.invoke_command(request).body.invoke_id)


def saved(ecs: EcsClient, script: str) -> str:
    """CreateCommand: a shell script kept under the name `saved`; its CommandId."""
    request = ecs_models.CreateCommandRequest(
        region_id=REGION,
        name="saved",
        type="RunShellScript",
        command_content=base64.b64encode(script.encode()).decode(),
    )
    return str(ecs.create_command(request).body.command_id)


def ran(ecs: EcsClient, instance: str, script: str, **fields: Any) -> tuple[str, int]:
    """Run and wait: (output, exit code)."""
    row = result(ecs, run(ecs, instance, script, **fields))
    return output(row), row.exit_code
