"""`--account`: commandUser's effective policies read from an account with RAM read calls only,
here the in-process fake, through the official RAM SDK: its own attachments and its groups'."""

from __future__ import annotations

import pytest
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.models import Config

from fakes import FakeCloud
from harness.prove import prove
from harness.prove.account import AccountReader
from harness.prove.cli import main
from harness.prove.sources import policy_set
from harness.sdk.evidence import Evidence
from harness.sdk.gateway import Gateway

from .conftest import FORMS


@pytest.fixture
def ram(fake_cloud: FakeCloud) -> RamClient:
    key_id, secret = fake_cloud.root_access_key
    return RamClient(
        Config(access_key_id=key_id, access_key_secret=secret, region_id="cn-hangzhou")
    )


@pytest.fixture
def command_user(ram: RamClient) -> str:
    """commandUser with the deny-list (in a second version, the default) and full access."""
    ram.create_user(ram_models.CreateUserRequest(user_name="commandUser"))
    ram.create_policy(
        ram_models.CreatePolicyRequest(
            policy_name="commandUserPolicy", policy_document=FORMS["allow-list"].read_text()
        )
    )
    ram.create_policy_version(
        ram_models.CreatePolicyVersionRequest(
            policy_name="commandUserPolicy",
            policy_document=FORMS["deny-list"].read_text(),
            set_as_default=True,
        )
    )
    for kind, name in (("Custom", "commandUserPolicy"), ("System", "AliyunECSFullAccess")):
        ram.attach_policy_to_user(
            ram_models.AttachPolicyToUserRequest(
                policy_type=kind, policy_name=name, user_name="commandUser"
            )
        )
    return "commandUser"


def test_the_users_policies_are_read_at_their_default_versions(ram, command_user) -> None:
    evidence = Evidence()
    reader = AccountReader(ram, Gateway(evidence), "the administrator")
    loaded = reader.effective(command_user, groups=False)
    assert [(p.source.name, p.source.type, p.source.version) for p in loaded] == [
        ("commandUserPolicy", "Custom", "v2"),
        ("AliyunECSFullAccess", "System", "v1"),
    ]
    proof = prove(policy_set(loaded), actions=("ecs:RunCommand",))
    assert proof.verdict == "exposed"  # the deny-list beside full access, as the table says


def test_reading_calls_only_ram_read_actions(ram, command_user) -> None:
    evidence = Evidence()
    AccountReader(ram, Gateway(evidence), "the administrator").effective(command_user, groups=False)
    actions = {record.action for record in evidence.records}
    assert actions <= {"ListPoliciesForUser", "GetPolicy", "GetPolicyVersion"}


def test_a_groups_policies_are_read_and_proved(ram, monkeypatch, capsys, fake_cloud) -> None:
    """Only a group gives commandUser full access: `--account` finds it and proves it exposed."""
    ram.create_user(ram_models.CreateUserRequest(user_name="commandUser"))
    ram.create_policy(
        ram_models.CreatePolicyRequest(
            policy_name="commandUserPolicy", policy_document=FORMS["deny-list"].read_text()
        )
    )
    ram.attach_policy_to_user(
        ram_models.AttachPolicyToUserRequest(
            policy_type="Custom", policy_name="commandUserPolicy", user_name="commandUser"
        )
    )
    ram.create_group(ram_models.CreateGroupRequest(group_name="ops"))
    ram.add_user_to_group(
        ram_models.AddUserToGroupRequest(group_name="ops", user_name="commandUser")
    )
    ram.attach_policy_to_group(
        ram_models.AttachPolicyToGroupRequest(
            policy_type="System", policy_name="AliyunECSFullAccess", group_name="ops"
        )
    )
    evidence = Evidence()
    loaded = AccountReader(ram, Gateway(evidence), "the administrator").effective("commandUser")
    assert [(p.source.name, p.source.type) for p in loaded] == [
        ("commandUserPolicy", "Custom"),
        ("AliyunECSFullAccess", "System"),
    ]
    assert {r.action for r in evidence.records} <= {
        "ListPoliciesForUser",
        "ListGroupsForUser",
        "ListPoliciesForGroup",
        "GetPolicy",
        "GetPolicyVersion",
    }
    key_id, secret = fake_cloud.root_access_key  # the administrator's, through harness/credentials
    monkeypatch.setenv("RUNAS_ADMIN_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("RUNAS_ADMIN_ACCESS_KEY_SECRET", secret)
    for name in ("RUNAS_ADMIN_SECURITY_TOKEN", "RUNAS_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--account"]) == 1  # exposed, through the group
    assert "AliyunECSFullAccess" in capsys.readouterr().out
