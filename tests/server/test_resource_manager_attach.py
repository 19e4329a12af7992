"""Resource Manager's AttachPolicy and DetachPolicy against the standalone server, through the
official SDK over HTTP: the attachment is RAM's, listed and evaluated at its scope."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alibabacloud_ecs20140526 import models as e
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as r
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_resourcemanager20200331 import models as rm
from alibabacloud_resourcemanager20200331.client import Client as ManagerClient
from alibabacloud_tea_openapi.exceptions import ClientException

from fakes.server import FakeServer

from ._support import Key, sdk_config


def test_an_attachment_through_resource_manager_over_http(
    server: FakeServer,
    root: Key,
    ram_as: Callable[[Key], RamClient],
    ecs_as: Callable[[Key], EcsClient],
    command_user: Key,
) -> None:
    linux = server.cloud.add_instance(os="linux", users=["user01"])
    run = e.RunCommandRequest(
        region_id="cn-hangzhou",
        type="RunShellScript",
        command_content="whoami",
        instance_id=[linux],
        username="root",
    )
    manager = ManagerClient(sdk_config(server, root))
    fields = {
        "policy_type": "System",
        "policy_name": "AliyunECSFullAccess",
        "principal_type": "IMSUser",
        "principal_name": f"commandUser@{server.cloud.account_id}.onaliyun.com",
        "resource_group_id": server.cloud.account_id,
    }
    manager.attach_policy(rm.AttachPolicyRequest(**fields))
    listed = ram_as(root).list_policies_for_user(
        r.ListPoliciesForUserRequest(user_name="commandUser")
    )
    assert "AliyunECSFullAccess" in [p.policy_name for p in listed.body.policies.policy]
    assert str(ecs_as(command_user).run_command(run).body.invoke_id).startswith("t-")
    manager.detach_policy(rm.DetachPolicyRequest(**fields))
    with pytest.raises(ClientException) as refused:
        ecs_as(command_user).run_command(run)
    assert refused.value.code == "Forbidden.RAM"
    with pytest.raises(ClientException) as malformed:
        manager.attach_policy(rm.AttachPolicyRequest(**(fields | {"principal_name": "x"})))
    assert (malformed.value.code, malformed.value.status_code) == (
        "InvalidParameter.PrincipalName",
        400,
    )
