"""The public face of `fakes`, as DESIGN.md states it, driven by the official SDKs only."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import requests
import urllib3
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config

import fakes
from fakes import FakeCloud, mock_cloud

POLICIES = Path(__file__).resolve().parent.parent / "features" / "policies"


def _config(key_id: str, secret: str) -> Config:
    return Config(access_key_id=key_id, access_key_secret=secret, region_id="cn-hangzhou")


def test_exported_names_are_exactly_the_contract() -> None:
    assert sorted(fakes.__all__) == ["ExecResult", "Execution", "FakeCloud", "mock_cloud", "serve"]


def test_account_id_and_root_key_have_alibaba_shapes() -> None:
    cloud = FakeCloud()
    assert cloud.account_id.isdigit()
    assert len(cloud.account_id) == 16
    key_id, secret = cloud.root_access_key
    assert key_id.startswith("LTAI")
    assert len(secret) == 30


def test_add_instance_returns_an_instance_id_the_sdk_can_see() -> None:
    with FakeCloud() as cloud:
        linux = cloud.add_instance(os="linux", region="cn-hangzhou", users=["user01", "user02"])
        win = cloud.add_instance(os="windows", region="cn-hangzhou", users={"user01": "Passw0rd!"})
        assert linux.startswith("i-")
        assert win.startswith("i-")
        assert linux != win
        client = EcsClient(_config(*cloud.root_access_key))
        listed = client.describe_instances(
            ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou")
        ).body.instances.instance
        assert {(i.instance_id, i.ostype) for i in listed} == {
            (linux, "linux"),
            (win, "windows"),
        }


def test_root_and_system_always_exist() -> None:
    with FakeCloud() as cloud:
        linux = cloud.add_instance(os="linux", users=["user01"])
        client = EcsClient(_config(*cloud.root_access_key))
        started = client.run_command(
            ecs_models.RunCommandRequest(
                region_id="cn-hangzhou",
                type="RunShellScript",
                command_content="whoami",
                instance_id=[linux],
            )
        ).body
        results = None
        for _ in range(10):
            results = client.describe_invocation_results(
                ecs_models.DescribeInvocationResultsRequest(
                    region_id="cn-hangzhou", invoke_id=started.invoke_id
                )
            ).body.invocation.invocation_results.invocation_result
            if results and results[0].invocation_status == "Success":
                break
        assert results is not None
        assert base64.b64decode(results[0].output).decode() == "root\n"
        assert results[0].username == "root"


def test_the_account_owner_bypasses_ram_and_a_ram_user_does_not() -> None:
    """The guide's allow-list, end to end: root key sets up, commandUser is held to the policy."""
    with FakeCloud() as cloud:
        linux = cloud.add_instance(os="linux", users=["user01", "user02"])
        ram = RamClient(_config(*cloud.root_access_key))
        ram.create_user(ram_models.CreateUserRequest(user_name="commandUser"))
        ram.create_policy(
            ram_models.CreatePolicyRequest(
                policy_name="commandUserPolicy",
                policy_document=(POLICIES / "commandUserPolicy.allowlist.json").read_text(),
            )
        )
        ram.attach_policy_to_user(
            ram_models.AttachPolicyToUserRequest(
                policy_type="Custom", policy_name="commandUserPolicy", user_name="commandUser"
            )
        )
        key = ram.create_access_key(
            ram_models.CreateAccessKeyRequest(user_name="commandUser")
        ).body.access_key
        user = EcsClient(_config(key.access_key_id, key.access_key_secret))

        def run(as_user: str) -> ecs_models.RunCommandResponse:
            return user.run_command(
                ecs_models.RunCommandRequest(
                    region_id="cn-hangzhou",
                    type="RunShellScript",
                    command_content="whoami",
                    instance_id=[linux],
                    username=as_user,
                )
            )

        assert run("user01").body.invoke_id.startswith("t-")
        with pytest.raises(ClientException) as refused:
            run("root")
        assert refused.value.code == "Forbidden.RAM"
        assert refused.value.status_code == 403
        detail = refused.value.access_denied_detail
        assert detail["AuthAction"] == "ecs:RunCommand"
        assert detail["NoPermissionType"] == "ImplicitDeny"
        assert detail["AuthPrincipalType"] == "SubUser"
        assert detail["AuthPrincipalOwnerId"] == cloud.account_id
        diagnostic = json.loads(base64.b64decode(detail["EncodedDiagnosticMessage"]))
        assert "`root`" in diagnostic["Explanation"]
        assert [script for _, script in cloud.guest(linux).history] == []  # not even started


def test_mock_cloud_is_a_context_manager() -> None:
    with mock_cloud() as cloud:
        assert isinstance(cloud, FakeCloud)
        client = RamClient(_config(*cloud.root_access_key))
        assert client.list_users(ram_models.ListUsersRequest()).body.users.user == []


@mock_cloud
def test_mock_cloud_decorates_a_test_and_hands_it_the_cloud(cloud: FakeCloud) -> None:
    client = RamClient(_config(*cloud.root_access_key))
    client.create_user(ram_models.CreateUserRequest(user_name="someone"))
    assert [u.user_name for u in client.list_users(ram_models.ListUsersRequest()).body.users.user]
    assert cloud.account_id


def test_the_fixture_yields_a_started_cloud(fake_cloud: FakeCloud) -> None:
    client = RamClient(_config(*fake_cloud.root_access_key))
    created = client.create_user(ram_models.CreateUserRequest(user_name="fixture-user"))
    assert created.body.user.user_name == "fixture-user"


def test_outside_the_context_nothing_is_intercepted() -> None:
    """Once the context ends, an Alibaba endpoint is the real one again: this machine has no
    network, so the request fails in the network stack (urllib3), neither answered by the fake
    nor refused by a `responses` mock left behind."""
    cloud = FakeCloud()
    with cloud:
        inside = requests.get("https://ecs.cn-hangzhou.aliyuncs.com/", timeout=5)
        assert inside.json()["Code"] == "MissingParameter"  # the fake's answer
    with pytest.raises(requests.ConnectionError) as refused:
        requests.get("https://ecs.cn-hangzhou.aliyuncs.com/", timeout=5)
    assert refused.value.response is None
    assert isinstance(refused.value.args[0], urllib3.exceptions.HTTPError), refused.value


def test_two_clouds_are_separate_accounts() -> None:
    first, second = FakeCloud(), FakeCloud()
    assert first.account_id != second.account_id
    assert first.root_access_key != second.root_access_key
