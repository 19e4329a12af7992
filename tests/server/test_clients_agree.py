"""A legacy V2 client (aliyun-python-sdk-core, HMAC-SHA1, GET or POST, parameters in the query
or a form body) and the official V3 SDK get the same answers from the server."""

from __future__ import annotations

import base64

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_tea_openapi.exceptions import ClientException
from aliyunsdkcore.acs_exception.exceptions import ServerException

from ._support import REGION, final_result

pytestmark = pytest.mark.usefixtures("server")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_both_clients_list_the_same_instances(server, root, ecs_as, legacy_as, method):
    linux = server.cloud.add_instance(os="linux", users=["user01"])
    windows = server.cloud.add_instance(os="windows", users={"user01": "Passw0rd!"})

    v3 = ecs_as(root).describe_instances(ecs_models.DescribeInstancesRequest(region_id=REGION))
    v2 = legacy_as(root).call("DescribeInstances", method, RegionId=REGION)

    modern = v3.body.to_map()
    assert {i["InstanceId"] for i in modern["Instances"]["Instance"]} == {linux, windows}
    for answer in (modern, v2):
        del answer["RequestId"]
    assert v2 == modern


def test_a_run_started_by_either_client_reads_the_same_through_the_other(
    server, root, ecs_as, legacy_as
):
    linux = server.cloud.add_instance(os="linux", users=["user01"])
    ecs, legacy = ecs_as(root), legacy_as(root)

    def poll_v3(invoke_id):
        request = ecs_models.DescribeInvocationResultsRequest(
            region_id=REGION, invoke_id=invoke_id, content_encoding="PlainText"
        )
        body = ecs.describe_invocation_results(request).body.to_map()
        return body["Invocation"]["InvocationResults"]["InvocationResult"][0]

    def poll_v2(invoke_id):
        body = legacy.call(
            "DescribeInvocationResults",
            "GET",
            RegionId=REGION,
            InvokeId=invoke_id,
            ContentEncoding="PlainText",
        )
        return body["Invocation"]["InvocationResults"]["InvocationResult"][0]

    by_v3 = ecs.run_command(
        ecs_models.RunCommandRequest(
            region_id=REGION,
            type="RunShellScript",
            command_content="whoami",
            instance_id=[linux],
            username="user01",
        )
    ).body.invoke_id
    # The legacy client puts the parameters in a form-encoded POST body.
    request = legacy.request("RunCommand", "POST")
    for name, value in {
        "RegionId": REGION,
        "Type": "RunShellScript",
        "CommandContent": "whoami",
        "ContentEncoding": "PlainText",
        "InstanceId.1": linux,
        "Username": "user01",
    }.items():
        request.add_body_params(name, value)
    by_v2 = legacy.send(request)["InvokeId"]

    for invoke_id in (by_v3, by_v2):
        read_by_v2 = final_result(poll_v2, invoke_id)
        read_by_v3 = poll_v3(invoke_id)
        assert (read_by_v3["InvocationStatus"], read_by_v3["Output"]) == ("Success", "user01\n")
        assert read_by_v2 == read_by_v3
    assert [user for user, _ in server.cloud.guest(linux).history] == ["user01", "user01"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_ram_user_is_refused_alike_by_both_clients(
    server, command_user, ecs_as, legacy_as, method
):
    linux = server.cloud.add_instance(os="linux", users=["user01"])

    with pytest.raises(ClientException) as modern:
        ecs_as(command_user).run_command(
            ecs_models.RunCommandRequest(
                region_id=REGION,
                type="RunShellScript",
                command_content="whoami",
                instance_id=[linux],
                username="root",
            )
        )
    with pytest.raises(ServerException) as legacy:
        legacy_as(command_user).call(
            "RunCommand",
            method,
            RegionId=REGION,
            Type="RunShellScript",
            CommandContent="whoami",
            ContentEncoding="PlainText",
            **{"InstanceId.1": linux},
            Username="root",
        )
    assert (modern.value.code, modern.value.status_code) == ("Forbidden.RAM", 403)
    assert (legacy.value.get_error_code(), legacy.value.get_http_status()) == (
        "Forbidden.RAM",
        403,
    )
    assert modern.value.access_denied_detail["AuthAction"] == "ecs:RunCommand"
    assert server.cloud.guest(linux).history == []


def test_the_legacy_client_runs_as_an_allowed_user(server, command_user, legacy_as):
    linux = server.cloud.add_instance(os="linux", users=["user01"])
    legacy = legacy_as(command_user)
    started = legacy.call(
        "RunCommand",
        RegionId=REGION,
        Type="RunShellScript",
        CommandContent="id -un",
        ContentEncoding="PlainText",
        Username="user01",
        **{"InstanceId.1": linux},
    )

    def poll(invoke_id):
        body = legacy.call("DescribeInvocationResults", RegionId=REGION, InvokeId=invoke_id)
        return body["Invocation"]["InvocationResults"]["InvocationResult"][0]

    result = final_result(poll, started["InvokeId"])
    assert result["InvocationStatus"] == "Success"
    assert base64.b64decode(result["Output"]) == b"user01\n"
