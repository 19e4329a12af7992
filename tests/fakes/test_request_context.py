"""The request context the fake builds for RAM conditions, proven through the official SDK:
`acs:SecureTransport`, `acs:SourceIp`, `acs:CurrentTime` (the fake's clock), `acs:MFAPresent`,
and `ecs:CommandRunAs`; and how explicit and implicit refusals are told apart on the wire."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.exceptions import ClientException

from fakes import FakeCloud

Key = tuple[str, str]
REGION = "cn-hangzhou"


def _describe_only_if(condition: dict[str, Any]) -> str:
    return json.dumps(
        {
            "Version": "1",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "ecs:DescribeInstances",
                    "Resource": "*",
                    "Condition": condition,
                }
            ],
        }
    )


def _may_list(ecs_as: Callable[..., EcsClient], key: Key) -> bool:
    try:
        ecs_as(key).describe_instances(ecs_models.DescribeInstancesRequest(region_id=REGION))
    except ClientException as refused:
        if refused.code != "Forbidden.RAM":
            raise
        return False
    return True


@pytest.mark.parametrize(
    ("condition", "allowed"),
    [
        ({"Bool": {"acs:SecureTransport": "true"}}, True),  # the SDK speaks HTTPS by default
        ({"Bool": {"acs:SecureTransport": "false"}}, False),
        ({"IpAddress": {"acs:SourceIp": "127.0.0.0/8"}}, True),  # in-process: loopback
        ({"NotIpAddress": {"acs:SourceIp": "127.0.0.1"}}, False),
        ({"Bool": {"acs:MFAPresent": "true"}}, False),  # AccessKey calls carry no MFA
        ({"StringEquals": {"ecs:CommandRunAs": "root"}}, False),  # DescribeInstances has none
    ],
)
def test_global_condition_keys_are_filled_from_the_request(
    ram_user: Callable[..., Key],
    ecs_as: Callable[..., EcsClient],
    condition: dict[str, Any],
    allowed: bool,
) -> None:
    key = ram_user("probe", custom={"probe": _describe_only_if(condition)})
    assert _may_list(ecs_as, key) is allowed


def test_current_time_is_the_fakes_clock(
    cloud: FakeCloud, ram_user: Callable[..., Key], ecs_as: Callable[..., EcsClient]
) -> None:
    deadline = (cloud.clock.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    key = ram_user(
        "temp", custom={"until": _describe_only_if({"DateLessThan": {"acs:CurrentTime": deadline}})}
    )
    assert _may_list(ecs_as, key)
    cloud.clock.advance(timedelta(hours=2))
    assert not _may_list(ecs_as, key)


GUARD = json.dumps(
    {
        "Version": "1",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ["ecs:RunCommand", "ecs:InvokeCommand"],
                "Resource": "*",
                "Condition": {"StringEqualsIgnoreCase": {"ecs:CommandRunAs": ["root", "system"]}},
            }
        ],
    }
)


def _run(client: EcsClient, instance: str, user: str) -> Any:
    return client.run_command(
        ecs_models.RunCommandRequest(
            region_id=REGION,
            type="RunShellScript",
            command_content="whoami",
            instance_id=[instance],
            username=user,
        )
    )


def test_an_explicit_deny_is_told_apart_from_an_implicit_one_on_the_wire(
    cloud: FakeCloud,
    linux: str,
    ram_user: Callable[..., Key],
    ecs_as: Callable[..., EcsClient],
) -> None:
    key = ram_user("guarded", custom={"guard": GUARD}, system=["AliyunECSFullAccess"])
    client = ecs_as(key)
    with pytest.raises(ClientException) as denied:
        _run(client, linux, "Root")
    detail = denied.value.access_denied_detail
    assert (denied.value.code, detail["NoPermissionType"]) == ("Forbidden.RAM", "ExplicitDeny")
    assert detail["PolicyType"] == "AccountLevelIdentityBasedPolicy"
    assert "denied by guard statement 1" in cloud.refusals[-1].explain()
    assert _run(client, linux, "user01").body.invoke_id.startswith("t-")

    unprivileged = ecs_as(ram_user("nobody"))
    with pytest.raises(ClientException) as implicit:
        _run(unprivileged, linux, "user01")
    assert implicit.value.access_denied_detail["NoPermissionType"] == "ImplicitDeny"
