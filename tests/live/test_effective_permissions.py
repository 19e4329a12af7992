"""Verify mode reads commandUser's effective permissions (its own and its groups' policies,
with their default versions and scopes) and compares them with --command-user-policies; what it
may not read stays assumed. Against the in-process fake, through the official SDKs."""

from __future__ import annotations

from pathlib import Path

import pytest
from alibabacloud_ram20150501 import models as r
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.models import Config

from fakes import FakeCloud
from harness.config.policies import PolicyLibrary
from harness.errors import HarnessError
from harness.provisioning.effective import read
from harness.provisioning.effective_check import check_effective
from harness.provisioning.verify import ecs_relevant
from harness.sdk.clients import AccessKey, Clients, Principal
from harness.sdk.evidence import Evidence
from harness.sdk.gateway import Gateway, Refusal

LIBRARY = PolicyLibrary(Path(__file__).resolve().parents[2] / "features" / "policies")
GUIDE = ["commandUserPolicy.denylist", "AliyunECSReadOnlyAccess"]


def _config(key: tuple[str, str]) -> Config:
    return Config(access_key_id=key[0], access_key_secret=key[1], region_id="cn-hangzhou")


@pytest.fixture
def account(fake_cloud: FakeCloud) -> tuple[RamClient, Clients, Gateway]:
    admin = RamClient(_config(fake_cloud.root_access_key))
    admin.create_user(r.CreateUserRequest(user_name="commandUser"))
    document = LIBRARY.resolve("commandUserPolicy.denylist").document
    admin.create_policy(
        r.CreatePolicyRequest(policy_name="commandUserPolicy", policy_document=document)
    )
    for kind, name in [
        ("Custom", "commandUserPolicy"),
        ("System", "AliyunECSReadOnlyAccess"),
        ("System", "AliyunRAMReadOnlyAccess"),
    ]:
        admin.attach_policy_to_user(
            r.AttachPolicyToUserRequest(policy_type=kind, policy_name=name, user_name="commandUser")
        )
    key = admin.create_access_key(r.CreateAccessKeyRequest(user_name="commandUser")).body
    principal = Principal(
        "commandUser", AccessKey(key.access_key.access_key_id, key.access_key.access_key_secret)
    )
    return admin, Clients.of(principal, "cn-hangzhou", None), Gateway(Evidence())


def _join_full_access_group(admin: RamClient) -> None:
    admin.create_group(r.CreateGroupRequest(group_name="ecsAdmins"))
    admin.attach_policy_to_group(
        r.AttachPolicyToGroupRequest(
            group_name="ecsAdmins", policy_name="AliyunECSFullAccess", policy_type="System"
        )
    )
    admin.add_user_to_group(
        r.AddUserToGroupRequest(group_name="ecsAdmins", user_name="commandUser")
    )


def _read(clients: Clients, gateway: Gateway):
    return read(clients, "commandUser", lambda m, q: gateway.call("commandUser", m, q))


def test_with_ram_read_only_access_the_user_and_group_attachments_are_read(account) -> None:
    admin, clients, gateway = account
    _join_full_access_group(admin)
    found = _read(clients, gateway)
    described = [g.describe() for g in found.grants]
    assert "`commandUserPolicy` v1 through the user for the account" in described[0]
    assert "`AliyunECSFullAccess` through the group `ecsAdmins` for the account" in described
    # Resource Manager is not in AliyunRAMReadOnlyAccess: the scopes stay unread
    assert any("scope of each attachment (NoPermission)" in u for u in found.unread)


def test_a_group_granting_an_undeclared_ecs_policy_fails_verify_with_its_name(account) -> None:
    admin, clients, gateway = account
    _join_full_access_group(admin)
    assumed: list[str] = []
    with pytest.raises(HarnessError, match="also has `AliyunECSFullAccess` through the group"):
        check_effective(
            _read(clients, gateway),
            "commandUser",
            GUIDE,
            LIBRARY,
            assumed.append,
            lambda names: ecs_relevant(names, LIBRARY),
        )


def test_the_declared_policies_pass_and_the_unread_scopes_are_assumed(account) -> None:
    _, clients, gateway = account
    assumed: list[str] = []
    check_effective(
        _read(clients, gateway),
        "commandUser",
        GUIDE,
        LIBRARY,
        assumed.append,
        lambda names: ecs_relevant(names, LIBRARY),
    )
    assert any("it may not read the scope of each attachment" in a for a in assumed)


def test_without_any_ram_read_the_own_policies_refusal_surfaces(account) -> None:
    admin, clients, gateway = account
    admin.detach_policy_from_user(
        r.DetachPolicyFromUserRequest(
            policy_type="System", policy_name="AliyunRAMReadOnlyAccess", user_name="commandUser"
        )
    )
    with pytest.raises(Refusal):
        _read(clients, gateway)
