"""Groups, decoded refusals and control policies against the standalone server, through the
official RAM and Resource Directory SDKs over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from alibabacloud_ecs20140526 import models as e
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as r
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_resourcedirectorymaster20220419 import models as rd
from alibabacloud_resourcedirectorymaster20220419.client import Client as DirectoryClient
from alibabacloud_tea_openapi.exceptions import ClientException

from fakes.server import FakeServer

from ._support import Key, sdk_config
from .conftest import GUIDE_POLICIES


def _run(ecs: EcsClient, instance: str, user: str) -> str:
    request = e.RunCommandRequest(
        region_id="cn-hangzhou",
        type="RunShellScript",
        command_content="whoami",
        instance_id=[instance],
        username=user,
    )
    return str(ecs.run_command(request).body.invoke_id)


def test_a_group_grant_and_a_control_policy_over_http(
    server: FakeServer,
    root: Key,
    ram_as: Callable[[Key], RamClient],
    ecs_as: Callable[[Key], EcsClient],
    command_user: Key,
) -> None:
    linux = server.cloud.add_instance(os="linux", users=["user01"])
    ram = ram_as(root)
    with pytest.raises(ClientException) as refused:
        _run(ecs_as(command_user), linux, "root")
    ram.create_group(r.CreateGroupRequest(group_name="ecsAdmins"))
    ram.attach_policy_to_group(
        r.AttachPolicyToGroupRequest(
            group_name="ecsAdmins", policy_name="AliyunECSFullAccess", policy_type="System"
        )
    )
    ram.add_user_to_group(r.AddUserToGroupRequest(group_name="ecsAdmins", user_name="commandUser"))
    assert _run(ecs_as(command_user), linux, "root").startswith("t-")  # the group lets root in
    directory = DirectoryClient(sdk_config(server, root))
    directory.enable_control_policy()
    document = (GUIDE_POLICIES / "denyRootRunAs.control.json").read_text()
    made = directory.create_control_policy(
        rd.CreateControlPolicyRequest(
            policy_name="denyRootRunAs", policy_document=document, effect_scope="RAM"
        )
    ).body.control_policy
    root_folder = directory.get_resource_directory().body.resource_directory.root_folder_id
    directory.attach_control_policy(
        rd.AttachControlPolicyRequest(policy_id=made.policy_id, target_id=root_folder)
    )
    with pytest.raises(ClientException) as refused:
        _run(ecs_as(command_user), linux, "root")
    detail = refused.value.access_denied_detail
    assert detail["PolicyType"] == "ControlPolicy"
    decoded = ram.decode_diagnostic_message(
        r.DecodeDiagnosticMessageRequest(
            encoded_diagnostic_message=detail["EncodedDiagnosticMessage"]
        )
    ).body.decoded_diagnostic_message
    assert decoded.no_permission_policy_type == "ControlPolicy"
    assert [(m.policy_identifier, m.attached_scope) for m in decoded.matched_policies] == [
        (made.policy_id, root_folder)
    ]


def test_the_control_plane_puts_an_instance_in_a_resource_group(
    server: FakeServer,
    root: Key,
    ecs_as: Callable[[Key], EcsClient],
    http: requests.Session,
) -> None:
    answer = http.post(
        f"{server.url}/_fake/instances",
        json={"os": "linux", "users": ["user01"], "resource_group_id": "rg-prod"},
        timeout=10,
    )
    instance = answer.json()["InstanceId"]
    listed = ecs_as(root).describe_instances(e.DescribeInstancesRequest(region_id="cn-hangzhou"))
    groups = {i.instance_id: i.resource_group_id for i in listed.body.instances.instance}
    assert groups == {instance: "rg-prod"}
