"""The legacy SDK (aliyun-python-sdk-core with aliyun-python-sdk-ecs and -ram: V2 `HMAC-SHA1`,
its own vendored `requests`) reaches the fake in-process and over HTTP alike."""

from __future__ import annotations

import base64

import pytest
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkecs.request.v20140526.DescribeInvocationResultsRequest import (
    DescribeInvocationResultsRequest,
)
from aliyunsdkecs.request.v20140526.RunCommandRequest import RunCommandRequest
from aliyunsdkram.request.v20150501.AttachPolicyToUserRequest import AttachPolicyToUserRequest
from aliyunsdkram.request.v20150501.CreateAccessKeyRequest import CreateAccessKeyRequest
from aliyunsdkram.request.v20150501.CreatePolicyRequest import CreatePolicyRequest
from aliyunsdkram.request.v20150501.CreateUserRequest import CreateUserRequest
from aliyunsdkram.request.v20150501.ListUsersRequest import ListUsersRequest

from .conftest import Account, Key


def _command_user(account: Account, policy: str) -> Key:
    send = account.legacy(account.cloud.root_access_key)
    user = CreateUserRequest()
    user.set_UserName("commandUser")
    send(user)
    created = CreatePolicyRequest()
    created.set_PolicyName("commandUserPolicy")
    created.set_PolicyDocument(policy)
    send(created)
    for kind, name in (("Custom", "commandUserPolicy"), ("System", "AliyunECSReadOnlyAccess")):
        attach = AttachPolicyToUserRequest()
        attach.set_PolicyType(kind)
        attach.set_PolicyName(name)
        attach.set_UserName("commandUser")
        send(attach)
    key = CreateAccessKeyRequest()
    key.set_UserName("commandUser")
    made = send(key)["AccessKey"]
    return made["AccessKeyId"], made["AccessKeySecret"]


def _run(instance: str, user: str) -> RunCommandRequest:
    request = RunCommandRequest()
    request.set_Type("RunShellScript")
    request.set_CommandContent("whoami")
    request.set_InstanceIds([instance])
    request.set_Username(user)
    return request


def test_the_legacy_sdk_runs_a_command_as_user01_and_root_is_refused(account, guide_policy):
    linux = account.cloud.add_instance(os="linux", users=["user01"])
    send = account.legacy(_command_user(account, guide_policy))

    invoke_id = send(_run(linux, "user01"))["InvokeId"]
    for _ in range(10):
        poll = DescribeInvocationResultsRequest()
        poll.set_InvokeId(invoke_id)
        result = send(poll)["Invocation"]["InvocationResults"]["InvocationResult"][0]
        if result["InvocationStatus"] not in ("Pending", "Running"):
            break
    assert result["InvocationStatus"] == "Success"
    assert base64.b64decode(result["Output"]) == b"user01\n"

    with pytest.raises(ServerException) as refused:
        send(_run(linux, "root"))
    assert (refused.value.get_error_code(), refused.value.get_http_status()) == (
        "Forbidden.RAM",
        403,
    )
    assert [user for user, _ in account.cloud.guest(linux).history] == ["user01"]


def test_the_legacy_sdk_reads_ram_and_a_ram_user_is_refused_by_ram(account, guide_policy):
    key = _command_user(account, guide_policy)
    listed = account.legacy(account.cloud.root_access_key)(ListUsersRequest())
    assert [u["UserName"] for u in listed["Users"]["User"]] == ["commandUser"]

    intruder = CreateUserRequest()
    intruder.set_UserName("intruder")
    with pytest.raises(ServerException) as refused:
        account.legacy(key)(intruder)
    assert (refused.value.get_error_code(), refused.value.get_http_status()) == (
        "NoPermission",
        403,
    )


def test_a_wrong_secret_on_the_legacy_path_is_refused_by_signature(account: Account):
    key_id, _ = account.cloud.root_access_key
    with pytest.raises(ServerException) as refused:
        account.legacy((key_id, "not-the-secret"))(ListUsersRequest())
    # The fake answers SignatureDoesNotMatch with its string to sign, as Alibaba does; the SDK
    # finds it equal to its own, so the secret is what is wrong, and says so.
    assert refused.value.get_error_code() == "InvalidAccessKeySecret"
