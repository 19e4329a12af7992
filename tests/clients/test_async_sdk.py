"""The official SDK's `*_async` methods (aiohttp, via darabonba-core) reach the fake in-process
and over HTTP alike, with signatures verified: the guide's allow-list, end to end."""

from __future__ import annotations

import asyncio

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.exceptions import ClientException

from .conftest import REGION, Account, Key


async def _command_user(ram: RamClient, policy: str) -> Key:
    await ram.create_user_async(ram_models.CreateUserRequest(user_name="commandUser"))
    await ram.create_policy_async(
        ram_models.CreatePolicyRequest(policy_name="commandUserPolicy", policy_document=policy)
    )
    for kind, name in (("Custom", "commandUserPolicy"), ("System", "AliyunECSReadOnlyAccess")):
        await ram.attach_policy_to_user_async(
            ram_models.AttachPolicyToUserRequest(
                policy_type=kind, policy_name=name, user_name="commandUser"
            )
        )
    made = await ram.create_access_key_async(
        ram_models.CreateAccessKeyRequest(user_name="commandUser")
    )
    return made.body.access_key.access_key_id, made.body.access_key.access_key_secret


def _run(instance: str, user: str) -> ecs_models.RunCommandRequest:
    return ecs_models.RunCommandRequest(
        region_id=REGION,
        type="RunShellScript",
        command_content="whoami",
        instance_id=[instance],
        username=user,
    )


async def _final_result(ecs: EcsClient, invoke_id: str) -> ecs_models.Model:
    request = ecs_models.DescribeInvocationResultsRequest(
        region_id=REGION, invoke_id=invoke_id, content_encoding="PlainText"
    )
    for _ in range(10):
        body = (await ecs.describe_invocation_results_async(request)).body
        result = body.invocation.invocation_results.invocation_result[0]
        if result.invocation_status not in ("Pending", "Running"):
            return result
    raise AssertionError(f"`{invoke_id}` is still running after 10 polls")


def test_the_async_sdk_runs_a_command_as_user01_and_root_is_refused(account: Account, guide_policy):
    linux = account.cloud.add_instance(os="linux", users=["user01"])

    async def scenario():
        ram = RamClient(account.config(account.cloud.root_access_key))
        ecs = EcsClient(account.config(await _command_user(ram, guide_policy)))
        started = (await ecs.run_command_async(_run(linux, "user01"))).body
        result = await _final_result(ecs, started.invoke_id)
        with pytest.raises(ClientException) as refused:
            await ecs.run_command_async(_run(linux, "root"))
        return result, refused.value

    result, refusal = asyncio.run(scenario())
    assert (result.invocation_status, result.output, result.username) == (
        "Success",
        "user01\n",
        "user01",
    )
    assert (refusal.code, refusal.status_code) == ("Forbidden.RAM", 403)
    assert refusal.access_denied_detail["AuthAction"] == "ecs:RunCommand"
    assert [user for user, _ in account.cloud.guest(linux).history] == ["user01"]


def test_the_async_sdk_reads_ram_and_a_ram_user_is_refused_by_ram(account: Account, guide_policy):
    async def scenario():
        ram = RamClient(account.config(account.cloud.root_access_key))
        key = await _command_user(ram, guide_policy)
        users = (await ram.list_users_async(ram_models.ListUsersRequest())).body.users.user
        with pytest.raises(ClientException) as refused:
            await RamClient(account.config(key)).create_user_async(
                ram_models.CreateUserRequest(user_name="intruder")
            )
        return [u.user_name for u in users], refused.value

    names, refusal = asyncio.run(scenario())
    assert names == ["commandUser"]
    assert (refusal.code, refusal.status_code) == ("NoPermission", 403)


def test_a_wrong_secret_on_the_async_path_is_refused_by_signature(account: Account):
    key_id, _ = account.cloud.root_access_key
    ram = RamClient(account.config((key_id, "not-the-secret")))
    with pytest.raises(ClientException) as refused:
        asyncio.run(ram.list_users_async(ram_models.ListUsersRequest()))
    assert refused.value.code == "SignatureDoesNotMatch"
