"""One mapping from a DescribeInvocationResults row (the SDK's model) to the harness's result."""

from __future__ import annotations

import base64

from alibabacloud_ecs20140526 import models as ecs

from harness.cloud_assistant import InstanceResult

Row = ecs.DescribeInvocationResultsResponseBodyInvocationInvocationResultsInvocationResult


def _row(**fields: object) -> Row:
    return Row(
        invocation_status="Success",
        exit_code=0,
        output=base64.b64encode(b"user01\n").decode(),
        username="user01",
        **fields,
    )


def test_a_row_says_how_its_instance_ran() -> None:
    result = InstanceResult.of_row("t-1", _row(instance_id="i-row"), "i-asked")
    assert result == InstanceResult("t-1", "i-row", "Success", 0, "user01\n", "", "", "user01")


def test_a_row_without_its_instance_is_for_the_one_asked_about() -> None:
    """A recorded or stand-in answer may leave InstanceId out of a one-instance read."""
    assert InstanceResult.of_row("t-1", _row(), "i-asked").instance_id == "i-asked"
    assert InstanceResult.of_row("t-1", _row()).instance_id == ""
