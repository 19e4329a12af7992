"""`FakeCloud.snapshot()`: everything the account holds, as plain data, with no secret in it, and
taken without running anything that is due."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_kms20160120 import models as kms_models
from alibabacloud_kms20160120.client import Client as KmsClient
from alibabacloud_oos20190601 import models as oos_models
from alibabacloud_oos20190601.client import Client as OosClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_sts20150401 import models as sts_models
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.models import Config

import fakes.guest as guest_module
from fakes import FakeCloud

REGION = "cn-hangzhou"


def _config(key: tuple[str, str]) -> Config:
    return Config(access_key_id=key[0], access_key_secret=key[1], region_id=REGION)


def _trust(account_id: str) -> str:
    statement = {
        "Action": "sts:AssumeRole",
        "Effect": "Allow",
        "Principal": {"RAM": [f"acs:ram::{account_id}:root"]},
    }
    return json.dumps({"Version": "1", "Statement": [statement]})


def _results(ecs: EcsClient, invoke_id: str) -> list[Any]:
    request = ecs_models.DescribeInvocationResultsRequest(region_id=REGION, invoke_id=invoke_id)
    body = ecs.describe_invocation_results(request).body
    return list(body.invocation.invocation_results.invocation_result)


def test_the_snapshot_holds_each_service_and_no_secret(cloud: FakeCloud) -> None:
    root = cloud.root_access_key
    windows = cloud.add_instance(os="windows", users={"user01": "Passw0rd-canary!"})
    ram = RamClient(_config(root))
    ram.create_user(ram_models.CreateUserRequest(user_name="canary"))
    key = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name="canary")).body
    ram.create_role(
        ram_models.CreateRoleRequest(
            role_name="reader", assume_role_policy_document=_trust(cloud.account_id)
        )
    )
    session = (
        StsClient(_config(root))
        .assume_role(
            sts_models.AssumeRoleRequest(
                role_arn=f"acs:ram::{cloud.account_id}:role/reader", role_session_name="look"
            )
        )
        .body.credentials
    )
    OosClient(_config(root)).create_secret_parameter(
        oos_models.CreateSecretParameterRequest(
            region_id=REGION, name="axtSecretPassword", value="Value-canary!"
        )
    )
    KmsClient(_config(root)).encrypt(
        kms_models.EncryptRequest(key_id="alias/acs/oos", plaintext="Plaintext-canary!")
    )
    EcsClient(_config(root)).run_command(
        ecs_models.RunCommandRequest(
            region_id=REGION, type="RunBatScript", command_content="whoami", instance_id=[windows]
        )
    )

    snapshot = cloud.snapshot()
    text = json.dumps(snapshot)  # plain data: it serialises as it is
    secrets = (
        root[1],
        key.access_key.access_key_secret,
        "Passw0rd-canary!",
        "Value-canary!",
        "Plaintext-canary!",
        session.access_key_secret,
        session.security_token,
    )
    for secret in secrets:
        assert secret not in text
    assert snapshot["AccountId"] == cloud.account_id
    assert snapshot["RootAccessKeyId"] == root[0]
    assert [u["UserName"] for u in snapshot["Users"]] == ["canary"]
    assert [k["AccessKeyId"] for k in snapshot["AccessKeys"]] == [key.access_key.access_key_id]
    assert [r["RoleName"] for r in snapshot["Roles"]] == ["reader"]
    assert [s["AccessKeyId"] for s in snapshot["Sessions"]] == [session.access_key_id]
    assert [p["Name"] for p in snapshot["Parameters"]] == ["axtSecretPassword"]
    assert [s["SecretName"] for s in snapshot["Secrets"]] == ["oos/axtSecretPassword"]  # A30
    assert [k["Alias"] for k in snapshot["Keys"]] == ["alias/acs/oos"]
    assert snapshot["Ciphertexts"] == 1
    assert [i["InstanceId"] for i in snapshot["Instances"]] == [windows]
    assert len(snapshot["Commands"]) == len(snapshot["Invocations"]) == 1


def test_taking_a_snapshot_runs_nothing_that_is_due(cloud: FakeCloud) -> None:
    linux = cloud.add_instance(os="linux", users=["user01"])
    ecs = EcsClient(_config(cloud.root_access_key))
    started = ecs.run_command(
        ecs_models.RunCommandRequest(
            region_id=REGION, type="RunShellScript", command_content="whoami", instance_id=[linux]
        )
    ).body
    ram = RamClient(_config(cloud.root_access_key))
    for _ in range(5):  # calls that are not ECS reads move the clock past the start
        ram.list_users(ram_models.ListUsersRequest())

    for _ in range(3):
        snapshot = cloud.snapshot()
        (invocation,) = snapshot["Invocations"]
        assert invocation["Status"] == "Pending"
        assert invocation["Targets"][0]["Status"] == "Pending"
        assert snapshot["Instances"][0]["Ran"] == []
    assert cloud.guest(linux).history == []

    (result,) = _results(ecs, started.invoke_id)  # a read runs it
    assert result.invocation_status == "Success"
    after = cloud.snapshot()
    assert after["Invocations"][0]["Status"] == "Success"
    assert after["Instances"][0]["Ran"] == [{"Username": "root", "Script": "whoami"}]
    assert after["Instances"][0]["RanBefore"] == 0


def test_a_snapshot_lists_the_latest_runs_and_counts_those_before(
    cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(guest_module, "HISTORY_KEPT", 2)
    linux = cloud.add_instance(os="linux", users=["user01"])
    cloud.guest(linux).run("whoami", "root")
    for n in range(9):
        cloud.guest(linux).run(f"echo {n}", "user01")

    (instance,) = cloud.snapshot()["Instances"]
    shown = [run["Script"] for run in instance["Ran"]]
    assert shown == [f"echo {n}" for n in range(9 - len(shown), 9)]
    assert instance["RanBefore"] == 10 - len(shown) > 0
    # the root run is no longer listed, and still counted by its user
    assert instance["RanBeforeBy"] == {"root": 1, "user01": 9 - len(shown)}
