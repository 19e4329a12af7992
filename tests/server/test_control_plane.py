"""The control plane (`/_fake/...`): what a test needs from the fake that no Alibaba API gives.
Bad input gets a JSON error naming the fix, never a traceback."""

from __future__ import annotations

import json

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_tea_openapi.exceptions import ClientException

from ._support import REGION


def _instances(ecs):
    listed = ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id=REGION))
    return {i.instance_id: i.ostype for i in listed.body.instances.instance}


def test_account_gives_the_root_key_the_sdk_signs_with(server, http, ecs_as):
    account = http.get(f"{server.url}/_fake/account", timeout=5).json()
    assert account == {
        "AccountId": server.cloud.account_id,
        "RootAccessKeyId": server.cloud.root_access_key[0],
        "RootAccessKeySecret": server.cloud.root_access_key[1],
    }
    key = (account["RootAccessKeyId"], account["RootAccessKeySecret"])
    assert _instances(ecs_as(key)) == {}


def test_instances_are_created_for_the_sdk_to_see(server, root, http, ecs_as):
    made = {}
    for spec in (
        {"os": "linux", "region": REGION, "users": ["user01", "user02"]},
        {"os": "windows", "region": REGION, "users": {"user01": "Passw0rd!"}},
    ):
        answer = http.post(f"{server.url}/_fake/instances", json=spec, timeout=5)
        assert answer.status_code == 200, answer.text
        made[answer.json()["InstanceId"]] = spec["os"]
    assert _instances(ecs_as(root)) == made


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"{not json", "not JSON"),
        (b"[]", "JSON object"),
        (b'{"os": "macos"}', "unknown os `macos`"),
        (b'{"os": "linux", "colour": "blue"}', "unknown field `colour`"),
        (b'{"os": "linux", "users": "user01"}', "`users` must be"),
        (b'{"os": 7}', "must be strings"),
    ],
)
def test_bad_instance_specs_are_refused_with_the_reason(server, http, body, says):
    answer = http.post(f"{server.url}/_fake/instances", data=body, timeout=5)
    assert answer.status_code == 400
    assert says in answer.json()["Error"]
    assert "Traceback" not in answer.text


@pytest.mark.parametrize("path", ["instances", "faults"])
def test_a_deeply_nested_body_is_refused_at_once(server, http, path):
    deep = b"[" * 5000 + b"]" * 5000
    answer = http.post(f"{server.url}/_fake/{path}", data=deep, timeout=5)
    assert answer.status_code == 400
    assert "nested too deeply" in answer.json()["Error"]


def test_unknown_paths_and_wrong_methods_are_named(server, http):
    unknown = http.get(f"{server.url}/_fake/volcanoes", timeout=5)
    assert unknown.status_code == 404
    assert "GET /_fake/account" in unknown.json()["Error"]
    wrong = http.get(f"{server.url}/_fake/reset", timeout=5)
    assert (wrong.status_code, wrong.json()["Error"]) == (405, "`/_fake/reset` takes POST, not GET")


def test_reset_starts_a_new_account(server, root, http, ecs_as):
    server.cloud.add_instance(users=["user01"])
    answer = http.post(f"{server.url}/_fake/reset", timeout=5)
    assert answer.status_code == 200
    account = http.get(f"{server.url}/_fake/account", timeout=5).json()
    assert answer.json()["AccountId"] == account["AccountId"] != root[0]
    with pytest.raises(ClientException) as refused:
        _instances(ecs_as(root))  # the old owner's key is gone with the old account
    assert refused.value.code == "InvalidAccessKeyId.NotFound"
    new_key = (account["RootAccessKeyId"], account["RootAccessKeySecret"])
    assert _instances(ecs_as(new_key)) == {}


def test_state_shows_the_account_and_never_a_secret(server, root, http, ram_as, ecs_as):
    ram = ram_as(root)
    ram.create_user(ram_models.CreateUserRequest(user_name="canary"))
    planted = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name="canary"))
    canary_id = planted.body.access_key.access_key_id
    canary_secret = planted.body.access_key.access_key_secret
    windows = server.cloud.add_instance(os="windows", users={"user01": "Passw0rd-canary!"})
    ecs_as(root).run_command(
        ecs_models.RunCommandRequest(
            region_id=REGION, type="RunBatScript", command_content="whoami", instance_id=[windows]
        )
    )

    answer = http.get(f"{server.url}/_fake/state", timeout=5)
    text = answer.text
    for secret in (canary_secret, root[1], "Passw0rd-canary!"):
        assert secret not in text
    state = json.loads(text)
    assert state["AccessKeys"] == [
        {"AccessKeyId": canary_id, "UserName": "canary", "Status": "Active"}
    ]
    assert [u["UserName"] for u in state["Users"]] == ["canary"]
    assert [i["InstanceId"] for i in state["Instances"]] == [windows]
    assert len(state["Invocations"]) == 1
    assert state["RootAccessKeyId"] == root[0]
