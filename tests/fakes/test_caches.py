"""The fake keeps each principal's policy set and the Allows it gave, and forgets them when the
policies could have changed. Each test asks one question, changes what decides it through the
official SDKs (attach, detach, a new default version, group membership, a resource-group-scoped
attachment, a control policy), then asks the very same question again: a cache that were not
invalidated would give the first answer twice, and the test would fail."""

from __future__ import annotations

import gc
import json
import urllib.parse
from collections.abc import Callable
from typing import Any

import pytest
import responses
from alibabacloud_ecs20140526 import models as e
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as r
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_resourcedirectorymaster20220419 import models as rd
from alibabacloud_resourcedirectorymaster20220419.client import Client as DirectoryClient
from alibabacloud_tea_openapi.exceptions import ClientException

from fakes import FakeCloud, access
from fakes.services.base import Principal

from .conftest import GUIDE_POLICIES, REGION, sdk_config

Key = tuple[str, str]
CONTROL = (GUIDE_POLICIES / "denyRootRunAs.control.json").read_text()


def _may_run(run_command: Callable[..., Any], client: EcsClient, instance: str, user: str) -> bool:
    """Whether RunCommand as `user` on `instance` gets past RAM (a refusal is Forbidden.RAM)."""
    try:
        run_command(instance, "whoami", client=client, username=user)
    except ClientException as refused:
        if refused.code != "Forbidden.RAM":  # anything else is not RAM's answer: fail loudly
            raise
        return False
    return True


def _only(*users: str) -> str:
    """A policy that lets RunCommand run only as `users`."""
    return json.dumps(
        {
            "Version": "1",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "ecs:RunCommand",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"ecs:CommandRunAs": list(users)}},
                }
            ],
        }
    )


def _attach_to_user(ram: RamClient, policy: str, kind: str = "System", **scope: Any) -> None:
    ram.attach_policy_to_user(
        r.AttachPolicyToUserRequest(
            policy_type=kind, policy_name=policy, user_name="commandUser", **scope
        )
    )


def _detach_from_user(ram: RamClient, policy: str, kind: str = "System", **scope: Any) -> None:
    ram.detach_policy_from_user(
        r.DetachPolicyFromUserRequest(
            policy_type=kind, policy_name=policy, user_name="commandUser", **scope
        )
    )


@pytest.fixture
def may_run(
    ram_user: Callable[..., Key],
    ecs_as: Callable[..., EcsClient],
    run_command: Callable[..., Any],
) -> Callable[[str, str], bool]:
    """`may_run(instance, user)`: whether `commandUser` (a RAM user made with no policy) may
    RunCommand as `user` there."""
    client = ecs_as(ram_user("commandUser"))
    return lambda instance, user: _may_run(run_command, client, instance, user)


def _runs_as_only(ram: RamClient, *users: str) -> None:
    """Give commandUser the custom policy `runAs`, allowing RunCommand as `users` only."""
    ram.create_policy(r.CreatePolicyRequest(policy_name="runAs", policy_document=_only(*users)))
    _attach_to_user(ram, "runAs", "Custom")


def test_an_attached_policy_counts_from_the_next_request(
    ram: RamClient, may_run: Callable[[str, str], bool], linux: str
) -> None:
    assert not may_run(linux, "user01")
    _attach_to_user(ram, "AliyunECSFullAccess")
    assert may_run(linux, "user01")


def test_a_detached_policy_stops_counting_from_the_next_request(
    ram: RamClient, may_run: Callable[[str, str], bool], linux: str
) -> None:
    _attach_to_user(ram, "AliyunECSFullAccess")
    assert may_run(linux, "user01")
    _detach_from_user(ram, "AliyunECSFullAccess")
    assert not may_run(linux, "user01")


def test_a_new_default_version_decides_from_the_next_request(
    ram: RamClient, may_run: Callable[[str, str], bool], linux: str
) -> None:
    _runs_as_only(ram, "user01")
    assert may_run(linux, "user01")
    ram.create_policy_version(
        r.CreatePolicyVersionRequest(
            policy_name="runAs", policy_document=_only("user02"), set_as_default=True
        )
    )
    assert not may_run(linux, "user01")
    ram.set_default_policy_version(
        r.SetDefaultPolicyVersionRequest(policy_name="runAs", version_id="v1")
    )
    assert may_run(linux, "user01")


def test_joining_and_leaving_a_group_count_from_the_next_request(
    ram: RamClient, may_run: Callable[[str, str], bool], linux: str
) -> None:
    ram.create_group(r.CreateGroupRequest(group_name="ops"))
    ram.attach_policy_to_group(
        r.AttachPolicyToGroupRequest(
            group_name="ops", policy_name="AliyunECSFullAccess", policy_type="System"
        )
    )
    assert not may_run(linux, "user01")
    ram.add_user_to_group(r.AddUserToGroupRequest(group_name="ops", user_name="commandUser"))
    assert may_run(linux, "user01")
    ram.remove_user_from_group(
        r.RemoveUserFromGroupRequest(group_name="ops", user_name="commandUser")
    )
    assert not may_run(linux, "user01")


def test_a_scoped_attachment_counts_from_the_next_request(
    cloud: FakeCloud, ram: RamClient, may_run: Callable[[str, str], bool]
) -> None:
    prod = cloud.add_resource_group("prod")
    in_prod = cloud.add_instance(os="linux", users=["user01"], resource_group_id=prod)
    assert not may_run(in_prod, "user01")
    _attach_to_user(ram, "AliyunECSFullAccess", resource_group_id=prod)
    assert may_run(in_prod, "user01")
    _detach_from_user(ram, "AliyunECSFullAccess", resource_group_id=prod)
    assert not may_run(in_prod, "user01")


def test_a_control_policy_counts_from_the_next_request(
    cloud: FakeCloud, ram: RamClient, may_run: Callable[[str, str], bool], linux: str
) -> None:
    _attach_to_user(ram, "AliyunECSFullAccess")
    directory = DirectoryClient(sdk_config(cloud.root_access_key))
    directory.enable_control_policy()
    made = directory.create_control_policy(
        rd.CreateControlPolicyRequest(
            policy_name="denyRootRunAs", policy_document=CONTROL, effect_scope="RAM"
        )
    ).body.control_policy
    assert may_run(linux, "root")
    directory.attach_control_policy(
        rd.AttachControlPolicyRequest(policy_id=made.policy_id, target_id=cloud.account_id)
    )
    assert not may_run(linux, "root")
    directory.detach_control_policy(
        rd.DetachControlPolicyRequest(policy_id=made.policy_id, target_id=cloud.account_id)
    )
    assert may_run(linux, "root")


def test_an_allow_remembered_for_one_run_as_user_does_not_answer_for_another(
    ram: RamClient, may_run: Callable[[str, str], bool], linux: str
) -> None:
    _runs_as_only(ram, "user01")
    assert may_run(linux, "user01")
    assert not may_run(linux, "root")
    assert may_run(linux, "user01")


def _key_state(ram: RamClient, key: Key, status: str) -> None:
    ram.update_access_key(
        r.UpdateAccessKeyRequest(user_name="commandUser", user_access_key_id=key[0], status=status)
    )


@pytest.fixture
def used_key(
    ram_user: Callable[..., Key],
    ecs_as: Callable[..., EcsClient],
    run_command: Callable[..., Any],
    linux: str,
) -> tuple[Key, Callable[[], str]]:
    """commandUser's key (ECS full access), which has served a RunCommand already, and
    `refusal()`: the error code RunCommand as user01 with it gets now ("" when served)."""
    client = ecs_as(key := ram_user("commandUser", system=["AliyunECSFullAccess"]))

    def refusal() -> str:
        try:
            run_command(linux, "whoami", client=client, username="user01")
        except ClientException as refused:
            return str(refused.code)
        return ""

    assert refusal() == ""
    return key, refusal


def test_a_key_disabled_after_use_is_refused_from_the_next_request(
    ram: RamClient, used_key: tuple[Key, Callable[[], str]]
) -> None:
    key, refusal = used_key
    _key_state(ram, key, "Inactive")
    assert refusal() == "Forbidden.AccessKeyDisabled"
    _key_state(ram, key, "Active")
    assert refusal() == ""


def test_a_key_deleted_after_use_is_unknown_from_the_next_request(
    ram: RamClient, used_key: tuple[Key, Callable[[], str]]
) -> None:
    key, refusal = used_key
    ram.delete_access_key(
        r.DeleteAccessKeyRequest(user_name="commandUser", user_access_key_id=key[0])
    )
    assert refusal() == "InvalidAccessKeyId.NotFound"


def test_each_users_key_answers_as_that_user(
    ram_user: Callable[..., Key],
    ecs_as: Callable[..., EcsClient],
    run_command: Callable[..., Any],
    used_key: tuple[Key, Callable[[], str]],
    linux: str,
) -> None:
    """Two users' keys used in turn: each request is decided for its own key's user."""
    _, refusal = used_key  # commandUser may run
    bare = ecs_as(ram_user("bare"))
    for _ in range(2):
        assert refusal() == ""
        with pytest.raises(ClientException) as refused:
            run_command(linux, "whoami", client=bare, username="user01")
        assert refused.value.code == "Forbidden.RAM"
        assert refused.value.data["AccessDeniedDetail"]["AuthPrincipalDisplayName"] == "bare"


# ---- bounded state: a long-lived fake does not keep what every call leaves behind ----------


def _live_calls() -> int:
    """How many `responses.Call` records exist in the process, wherever they are kept."""
    return sum(1 for thing in gc.get_objects() if isinstance(thing, responses.Call))


def _describe(client: EcsClient, times: int) -> None:
    for _ in range(times):
        client.describe_instances(e.DescribeInstancesRequest(region_id=REGION))


def test_the_responses_call_history_is_not_kept_by_default(
    cloud: FakeCloud, ecs: EcsClient
) -> None:
    _describe(ecs, 1)
    before = _live_calls()
    _describe(ecs, 200)
    assert _live_calls() - before <= 1
    assert cloud.calls == []


def test_keep_calls_keeps_the_latest_calls_and_no_more() -> None:
    with FakeCloud(keep_calls=3) as cloud:
        ecs = EcsClient(sdk_config(cloud.root_access_key))
        before = _live_calls()
        for page in range(1, 41):
            ecs.describe_instances(e.DescribeInstancesRequest(region_id=REGION, page_number=page))
        kept = cloud.calls
        assert [
            urllib.parse.parse_qs(urllib.parse.urlsplit(c.request.url).query)["PageNumber"]
            for c in kept
        ] == [["38"], ["39"], ["40"]]
        assert all(c.response.status_code == 200 for c in kept)
        assert _live_calls() - before <= 2 * 3


def test_a_negative_keep_calls_is_refused() -> None:
    with pytest.raises(ValueError, match="keep_calls must be 0 or more"):
        FakeCloud(keep_calls=-1)


def test_the_policy_sets_kept_are_bounded(cloud: FakeCloud) -> None:
    sets = access.PolicySets(cloud.ram, limit=4)
    for n in range(50):
        sets.of(Principal("SubUser", f"user{n}", str(n), f"LTAI{n}"))
        assert len(sets) <= 4
