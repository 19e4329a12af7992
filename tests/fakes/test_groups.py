"""RAM groups through the official RAM SDK: their lifecycle, the documented conflict, not-found
and limit codes [D-RAM-ERR], paging of every RAM list, and a group's policies counting for each
member when RAM decides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as r
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.exceptions import ClientException

Key = tuple[str, str]


def _refused(call: Callable[[], Any]) -> ClientException:
    with pytest.raises(ClientException) as info:
        call()
    return info.value


def _group(ram: RamClient, name: str = "ops") -> None:
    ram.create_group(r.CreateGroupRequest(group_name=name, comments="operators"))


def _join(ram: RamClient, user: str, group: str = "ops") -> None:
    ram.add_user_to_group(r.AddUserToGroupRequest(group_name=group, user_name=user))


def _attach(ram: RamClient, policy: str, group: str = "ops", **scope: str) -> None:
    ram.attach_policy_to_group(
        r.AttachPolicyToGroupRequest(
            group_name=group, policy_name=policy, policy_type="System", **scope
        )
    )


def test_a_group_is_created_read_listed_renamed_and_deleted(ram: RamClient) -> None:
    made = ram.create_group(r.CreateGroupRequest(group_name="ops", comments="c")).body.group
    assert (made.group_name, made.comments) == ("ops", "c")
    assert ram.get_group(r.GetGroupRequest(group_name="ops")).body.group.group_id == made.group_id
    ram.update_group(r.UpdateGroupRequest(group_name="ops", new_group_name="sre"))
    listed = ram.list_groups(r.ListGroupsRequest()).body
    assert [g.group_name for g in listed.groups.group] == ["sre"]
    assert listed.is_truncated is False
    ram.delete_group(r.DeleteGroupRequest(group_name="sre"))
    error = _refused(lambda: ram.get_group(r.GetGroupRequest(group_name="sre")))
    assert (error.code, error.status_code) == ("EntityNotExist.Group", 404)


def test_a_second_group_of_the_same_name_is_refused(ram: RamClient) -> None:
    _group(ram)
    error = _refused(lambda: _group(ram))
    assert (error.code, error.status_code) == ("EntityAlreadyExists.Group", 409)


def test_a_group_name_with_an_at_sign_is_refused(ram: RamClient) -> None:
    error = _refused(lambda: _group(ram, "ops@team"))
    assert error.code == "InvalidParameter.GroupName.InvalidChars"


def test_a_group_with_a_member_or_a_policy_cannot_be_deleted(
    ram: RamClient, ram_user: Callable[..., Key]
) -> None:
    ram_user("alice")
    _group(ram)
    _join(ram, "alice")
    error = _refused(lambda: ram.delete_group(r.DeleteGroupRequest(group_name="ops")))
    assert (error.code, error.status_code) == ("DeleteConflict.Group.User", 409)
    ram.remove_user_from_group(r.RemoveUserFromGroupRequest(group_name="ops", user_name="alice"))
    _attach(ram, "AliyunECSReadOnlyAccess")
    error = _refused(lambda: ram.delete_group(r.DeleteGroupRequest(group_name="ops")))
    assert (error.code, error.status_code) == ("DeleteConflict.Group.Policy", 409)


def test_a_user_in_a_group_cannot_be_deleted(ram: RamClient) -> None:
    ram.create_user(r.CreateUserRequest(user_name="alice"))
    _group(ram)
    _join(ram, "alice")
    error = _refused(lambda: ram.delete_user(r.DeleteUserRequest(user_name="alice")))
    assert (error.code, error.status_code) == ("DeleteConflict.User.Group", 409)


def test_membership_codes_joining_twice_and_leaving_a_group_not_joined(ram: RamClient) -> None:
    ram.create_user(r.CreateUserRequest(user_name="alice"))
    _group(ram)
    _join(ram, "alice")
    error = _refused(lambda: _join(ram, "alice"))
    assert (error.code, error.status_code) == ("EntityAlreadyExists.User.Group", 409)
    ram.remove_user_from_group(r.RemoveUserFromGroupRequest(group_name="ops", user_name="alice"))
    error = _refused(
        lambda: ram.remove_user_from_group(
            r.RemoveUserFromGroupRequest(group_name="ops", user_name="alice")
        )
    )
    assert (error.code, error.status_code) == ("EntityNotExist.User.Group", 404)
    error = _refused(lambda: _join(ram, "nobody"))
    assert error.code == "EntityNotExist.User"


def test_a_user_joins_at_most_five_groups(ram: RamClient) -> None:
    ram.create_user(r.CreateUserRequest(user_name="alice"))
    for n in range(5):
        _group(ram, f"g{n}")
        _join(ram, "alice", f"g{n}")
    _group(ram, "g5")
    error = _refused(lambda: _join(ram, "alice", "g5"))
    assert (error.code, error.status_code) == ("LimitExceeded.User.Group", 409)


def test_members_and_groups_are_listed_both_ways(ram: RamClient) -> None:
    for name in ("alice", "bob"):
        ram.create_user(r.CreateUserRequest(user_name=name))
    _group(ram)
    _join(ram, "alice")
    _join(ram, "bob")
    users = ram.list_users_for_group(r.ListUsersForGroupRequest(group_name="ops")).body
    assert [u.user_name for u in users.users.user] == ["alice", "bob"]
    assert users.users.user[0].join_date
    groups = ram.list_groups_for_user(r.ListGroupsForUserRequest(user_name="bob")).body
    assert [g.group_name for g in groups.groups.group] == ["ops"]


def test_group_policies_are_attached_listed_and_detached_with_their_codes(ram: RamClient) -> None:
    _group(ram)
    _attach(ram, "AliyunECSReadOnlyAccess")
    error = _refused(lambda: _attach(ram, "AliyunECSReadOnlyAccess"))
    assert (error.code, error.status_code) == ("EntityAlreadyExists.Group.Policy", 409)
    listed = ram.list_policies_for_group(r.ListPoliciesForGroupRequest(group_name="ops")).body
    line = listed.policies.policy[0]
    assert (line.policy_name, line.policy_type, line.default_version) == (
        "AliyunECSReadOnlyAccess",
        "System",
        "v1",
    )
    detach = r.DetachPolicyFromGroupRequest(
        group_name="ops", policy_name="AliyunECSReadOnlyAccess", policy_type="System"
    )
    ram.detach_policy_from_group(detach)
    error = _refused(lambda: ram.detach_policy_from_group(detach))
    assert (error.code, error.status_code) == ("EntityNotExist.Group.Policy", 404)


def test_a_custom_policy_attached_to_a_group_cannot_be_deleted(ram: RamClient) -> None:
    document = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}'
    ram.create_policy(r.CreatePolicyRequest(policy_name="ops-policy", policy_document=document))
    _group(ram)
    ram.attach_policy_to_group(
        r.AttachPolicyToGroupRequest(
            group_name="ops", policy_name="ops-policy", policy_type="Custom"
        )
    )
    error = _refused(lambda: ram.delete_policy(r.DeletePolicyRequest(policy_name="ops-policy")))
    assert (error.code, error.status_code) == ("DeleteConflict.Policy.Group", 409)


def test_a_groups_policies_count_for_its_members(
    ram: RamClient,
    ram_user: Callable[..., Key],
    ecs_as: Callable[..., EcsClient],
    linux: str,
) -> None:
    from alibabacloud_ecs20140526 import models as e

    key = ram_user("alice")
    describe = e.DescribeInstancesRequest(region_id="cn-hangzhou")
    assert _refused(lambda: ecs_as(key).describe_instances(describe)).code == "Forbidden.RAM"
    _group(ram)
    _attach(ram, "AliyunECSReadOnlyAccess")
    _join(ram, "alice")
    listed = ecs_as(key).describe_instances(describe).body.instances.instance
    assert [i.instance_id for i in listed] == [linux]
    ram.remove_user_from_group(r.RemoveUserFromGroupRequest(group_name="ops", user_name="alice"))
    assert _refused(lambda: ecs_as(key).describe_instances(describe)).code == "Forbidden.RAM"


@pytest.mark.parametrize("size", [1, 2, 3])
def test_list_users_pages_with_max_items_and_marker(ram: RamClient, size: int) -> None:
    names = ["u1", "u2", "u3", "u4", "u5"]
    for name in names:
        ram.create_user(r.CreateUserRequest(user_name=name))
    seen: list[str] = []
    marker = None
    while True:
        body = ram.list_users(r.ListUsersRequest(max_items=size, marker=marker)).body
        page = [u.user_name for u in body.users.user]
        assert len(page) <= size
        seen += page
        if not body.is_truncated:
            assert body.marker is None
            break
        marker = body.marker
    assert seen == names


def test_every_ram_list_pages(ram: RamClient) -> None:
    for n in range(3):
        _group(ram, f"g{n}")
        ram.create_role(
            r.CreateRoleRequest(
                role_name=f"role{n}",
                assume_role_policy_document='{"Version":"1","Statement":[{"Action":"sts:AssumeRole",'
                '"Effect":"Allow","Principal":{"Service":["ecs.aliyuncs.com"]}}]}',
            )
        )
    assert ram.list_groups(r.ListGroupsRequest(max_items=2)).body.is_truncated is True
    assert ram.list_roles(r.ListRolesRequest(max_items=2)).body.is_truncated is True
    policies = ram.list_policies(r.ListPoliciesRequest(max_items=1)).body
    assert policies.is_truncated is True
    assert len(policies.policies.policy) == 1


def test_a_marker_never_handed_out_is_refused(ram: RamClient) -> None:
    error = _refused(lambda: ram.list_users(r.ListUsersRequest(marker="not-a-marker")))
    assert (error.code, error.status_code) == ("InvalidParameter.Marker", 400)


def test_an_oversized_policy_document_gets_the_documented_length_code(ram: RamClient) -> None:
    statement = '{"Effect":"Allow","Action":"ecs:DescribeInstances","Resource":"*"}'
    document = '{"Version":"1","Statement":[' + ",".join([statement] * 100) + "]}"
    assert len(document) > 6144
    error = _refused(
        lambda: ram.create_policy(
            r.CreatePolicyRequest(policy_name="big", policy_document=document)
        )
    )
    assert (error.code, error.status_code) == ("InvalidParameter.PolicyDocument.Length", 400)
