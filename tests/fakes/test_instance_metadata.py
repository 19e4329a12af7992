"""The instance metadata service, through the official SDKs: any local user on the instance reads
the instance RAM role's credentials with `curl`, and they work against the fake as the role."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_credentials.models import Config as CredentialConfig
from alibabacloud_ecs20140526 import models as m
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.models import Config

from fakes import FakeCloud

from ._ca import REGION, ran, refused
from .conftest import GUIDE_POLICIES, Key

ROLE = "EcsOperatorRole"
CREDENTIALS = "http://100.100.100.200/latest/meta-data/ram/security-credentials/"
#: ecs:AttachInstanceRamRole and ram:PassRole, as the spec's self-escalation policy grants them.
MAY_PASS = (GUIDE_POLICIES / "mayAttachInstanceRoles.json").read_text()


@pytest.fixture
def operator_role(ram: RamClient) -> None:
    """The administrator's role: trusted by ECS, with AliyunECSFullAccess."""
    trust = (GUIDE_POLICIES / f"{ROLE}.trust.json").read_text()
    ram.create_role(ram_models.CreateRoleRequest(role_name=ROLE, assume_role_policy_document=trust))
    ram.attach_policy_to_role(
        ram_models.AttachPolicyToRoleRequest(
            policy_type="System", policy_name="AliyunECSFullAccess", role_name=ROLE
        )
    )


@pytest.fixture
def command_user(
    ram_user: Callable[..., Key], guide_policy: Callable[[str], str], operator_role: None
) -> Key:
    """commandUser under the guide's allow-list, plus ram:PassRole and AttachInstanceRamRole."""
    return ram_user(
        "commandUser",
        custom={"commandUserPolicy": guide_policy("allowlist"), "mayPassRoles": MAY_PASS},
        system=["AliyunECSReadOnlyAccess"],
    )


def _attach(ecs: EcsClient, instance: str) -> Any:
    request = m.AttachInstanceRamRoleRequest(
        region_id=REGION, instance_ids=json.dumps([instance]), ram_role_name=ROLE
    )
    return ecs.attach_instance_ram_role(request).body


def _signing_as(credentials: dict[str, str]) -> Config:
    """An SDK config that signs with fetched STS credentials, through the credentials client."""
    client = CredentialClient(
        CredentialConfig(
            type="sts",
            access_key_id=credentials["AccessKeyId"],
            access_key_secret=credentials["AccessKeySecret"],
            security_token=credentials["SecurityToken"],
        )
    )
    return Config(credential=client, region_id=REGION)


def test_a_regular_user_reads_the_role_credentials_and_they_sign_as_the_role(
    cloud: FakeCloud, ecs_as: Callable[..., EcsClient], linux: str, command_user: Key
) -> None:
    as_user = ecs_as(command_user)
    assert _attach(as_user, linux).fail_count == 0
    assert ran(as_user, linux, f"curl -s {CREDENTIALS}", username="user01") == (ROLE + "\n", 0)
    body, code = ran(as_user, linux, f"curl -s {CREDENTIALS}{ROLE}", username="user01")
    assert code == 0
    fetched = json.loads(body)
    assert set(fetched) == {
        "AccessKeyId",
        "AccessKeySecret",
        "SecurityToken",
        "Expiration",
        "LastUpdated",
        "Code",
    }
    assert fetched["Code"] == "Success"
    assert fetched["AccessKeyId"].startswith("STS.")
    config = _signing_as(fetched)
    who = StsClient(config).get_caller_identity().body
    assert who.arn == f"acs:ram::{cloud.account_id}:assumed-role/{ROLE}/vm-ram-{linux}"
    assert who.identity_type == "AssumedRoleUser"
    # The role's AliyunECSFullAccess, not commandUser's allow-list, decides: root runs.
    assert ran(EcsClient(config), linux, "whoami", username="root") == ("root\n", 0)
    # wget reads the same credentials; the service hands out one session until renewal.
    again, _ = ran(as_user, linux, f"wget -qO- {CREDENTIALS}{ROLE}", username="user02")
    assert json.loads(again)["AccessKeyId"] == fetched["AccessKeyId"]


def test_the_role_credentials_carry_only_the_role_policies(
    ecs_as: Callable[..., EcsClient],
    ram: RamClient,
    linux: str,
    command_user: Key,
) -> None:
    ram.detach_policy_from_role(
        ram_models.DetachPolicyFromRoleRequest(
            policy_type="System", policy_name="AliyunECSFullAccess", role_name=ROLE
        )
    )
    as_user = ecs_as(command_user)
    _attach(as_user, linux)
    body, _ = ran(as_user, linux, f"curl -s {CREDENTIALS}{ROLE}", username="user01")
    error = refused(
        lambda: ran(EcsClient(_signing_as(json.loads(body))), linux, "whoami", username="root")
    )
    assert (error.code, error.status_code) == ("Forbidden.RAM", 403)


def test_without_a_role_the_metadata_service_answers_not_found(ecs: EcsClient, linux: str) -> None:
    page, code = ran(ecs, linux, f"curl -s {CREDENTIALS}", username="user01")
    assert code == 0
    assert "404 - Not Found" in page
    assert ran(ecs, linux, f"curl -sf {CREDENTIALS}", username="user01") == ("", 22)
    assert ran(ecs, linux, f"curl -f {CREDENTIALS}{ROLE}") == (
        "curl: (22) The requested URL returned error: 404\n",
        22,
    )
    assert ran(ecs, linux, f"wget -qO- {CREDENTIALS}{ROLE}") == ("", 8)
    assert ran(ecs, linux, "curl -s http://100.100.100.200/latest/meta-data/instance-id") == (
        linux + "\n",
        0,
    )


def test_the_instance_reaches_no_other_host(ecs: EcsClient, linux: str) -> None:
    assert ran(ecs, linux, "curl -s http://example.com/") == ("", 7)
    assert ran(ecs, linux, "curl https://100.100.100.200/latest/meta-data/instance-id") == (
        "curl: (7) Failed to connect to 100.100.100.200 port 443 after 0 ms: Couldn't connect "
        "to server\n",
        7,
    )
    assert ran(ecs, linux, "wget -qO- http://example.com/") == ("", 4)


def test_curl_options_the_fake_does_not_know_are_refused_by_name(
    ecs: EcsClient, linux: str
) -> None:
    output, code = ran(ecs, linux, f"curl -X PUT {CREDENTIALS}")
    assert code == 2
    assert "does not model `curl -X PUT" in output
    output, code = ran(ecs, linux, f"wget {CREDENTIALS}")  # writing a file is not modelled
    assert code == 2
