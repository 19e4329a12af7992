"""Policy versions through the official RAM SDK, and what the default version changes: the
version that is evaluated is the default one, at the moment of the call."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.exceptions import ClientException

from fakes import FakeCloud

Key = tuple[str, str]
REGION = "cn-hangzhou"


def _allow(action: str) -> str:
    return json.dumps(
        {"Version": "1", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}
    )


def _refused(call: Callable[[], Any]) -> ClientException:
    with pytest.raises(ClientException) as info:
        call()
    return info.value


def _new_version(ram: RamClient, document: str, *, default: bool = False, **extra: Any) -> Any:
    return ram.create_policy_version(
        ram_models.CreatePolicyVersionRequest(
            policy_name="p", policy_document=document, set_as_default=default, **extra
        )
    ).body.policy_version


@pytest.fixture
def policy(ram: RamClient) -> str:
    ram.create_policy(
        ram_models.CreatePolicyRequest(
            policy_name="p", policy_document=_allow("ecs:DescribeInstances")
        )
    )
    return "p"


def _versions(ram: RamClient) -> list[tuple[str, bool]]:
    listed = ram.list_policy_versions(
        ram_models.ListPolicyVersionsRequest(policy_name="p", policy_type="Custom")
    ).body.policy_versions.policy_version
    return [(v.version_id, v.is_default_version) for v in listed]


def test_a_new_version_is_not_the_default_unless_asked(ram: RamClient, policy: str) -> None:
    second = _new_version(ram, _allow("ecs:DescribeCommands"))
    third = _new_version(ram, _allow("ecs:DescribeInvocations"), default=True)
    assert (second.version_id, second.is_default_version) == ("v2", False)
    assert (third.version_id, third.is_default_version) == ("v3", True)
    assert _versions(ram) == [("v1", False), ("v2", False), ("v3", True)]
    got = ram.get_policy(ram_models.GetPolicyRequest(policy_name="p", policy_type="Custom")).body
    assert got.policy.default_version == "v3"
    assert "ecs:DescribeInvocations" in got.default_policy_version.policy_document


def test_get_policy_version_returns_that_versions_document(ram: RamClient, policy: str) -> None:
    _new_version(ram, _allow("ecs:DescribeCommands"))
    v1 = ram.get_policy_version(
        ram_models.GetPolicyVersionRequest(policy_name="p", policy_type="Custom", version_id="v1")
    ).body.policy_version
    assert "ecs:DescribeInstances" in v1.policy_document
    assert v1.is_default_version is True


def test_at_most_five_versions_exist(ram: RamClient, policy: str) -> None:
    for n in range(4):
        _new_version(ram, _allow(f"ecs:Describe{n}"))
    error = _refused(lambda: _new_version(ram, _allow("ecs:DescribeMore")))
    assert (error.code, error.status_code) == ("LimitExceeded.Policy.Version", 409)


def test_rotation_deletes_the_oldest_non_default_version(ram: RamClient, policy: str) -> None:
    for n in range(4):
        _new_version(ram, _allow(f"ecs:Describe{n}"))
    _new_version(
        ram,
        _allow("ecs:DescribeMore"),
        rotate_strategy="DeleteOldestNonDefaultVersionWhenLimitExceeded",
    )
    assert [v for v, _ in _versions(ram)] == ["v1", "v3", "v4", "v5", "v6"]


def test_the_default_version_cannot_be_deleted_and_others_can(ram: RamClient, policy: str) -> None:
    _new_version(ram, _allow("ecs:DescribeCommands"))
    error = _refused(
        lambda: ram.delete_policy_version(
            ram_models.DeletePolicyVersionRequest(policy_name="p", version_id="v1")
        )
    )
    assert error.status_code == 409
    ram.delete_policy_version(
        ram_models.DeletePolicyVersionRequest(policy_name="p", version_id="v2")
    )
    assert _versions(ram) == [("v1", True)]


def test_unknown_and_malformed_version_ids(ram: RamClient, policy: str) -> None:
    def get(version: str) -> Any:
        return ram.get_policy_version(
            ram_models.GetPolicyVersionRequest(
                policy_name="p", policy_type="Custom", version_id=version
            )
        )

    assert _refused(lambda: get("v9")).code == "EntityNotExist.Policy.Version"
    assert _refused(lambda: get("latest")).code == "InvalidParameter.VersionId.Format"


def test_a_malformed_new_version_is_refused_and_changes_nothing(
    ram: RamClient, policy: str
) -> None:
    error = _refused(lambda: _new_version(ram, '{"Version": "1", "Statement": []}', default=True))
    assert error.code == "MalformedPolicyDocument"
    assert "`Statement` must not be empty" in error.message
    assert _versions(ram) == [("v1", True)]


def test_a_policy_with_versions_is_deleted_only_with_cascading_delete(
    ram: RamClient, policy: str
) -> None:
    _new_version(ram, _allow("ecs:DescribeCommands"))
    error = _refused(lambda: ram.delete_policy(ram_models.DeletePolicyRequest(policy_name="p")))
    assert (error.code, error.status_code) == ("DeleteConflict.Policy.Version", 409)
    ram.delete_policy(ram_models.DeletePolicyRequest(policy_name="p", cascading_delete=True))
    listed = ram.list_policies(ram_models.ListPoliciesRequest(policy_type="Custom")).body
    assert listed.policies.policy == []


def test_setting_the_default_version_changes_what_the_user_may_do(
    cloud: FakeCloud,
    ram: RamClient,
    ram_user: Callable[..., Key],
    ecs_as: Callable[..., EcsClient],
) -> None:
    key = ram_user("reader", custom={"p": _allow("ecs:DescribeInstances")})
    _new_version(ram, _allow("ecs:DescribeCommands"))
    reader = ecs_as(key)

    def list_instances() -> Any:
        return reader.describe_instances(ecs_models.DescribeInstancesRequest(region_id=REGION))

    assert list_instances().body.instances.instance == []
    ram.set_default_policy_version(
        ram_models.SetDefaultPolicyVersionRequest(policy_name="p", version_id="v2")
    )
    refused = _refused(list_instances)
    assert refused.code == "Forbidden.RAM"
    assert refused.access_denied_detail["NoPermissionType"] == "ImplicitDeny"
    (decision,) = cloud.refusals
    assert decision.request.action == "ecs:DescribeInstances"
    assert decision.explain().startswith(
        "ImplicitDeny: no statement allows `ecs:DescribeInstances`"
    )
