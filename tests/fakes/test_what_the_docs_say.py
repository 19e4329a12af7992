"""Where the docs settled what the fake had assumed (reference paths-to-root.md section 5),
through the official SDKs: KMS's own refusal, the KMS secret behind an OOS secret parameter
(A30), STS's session-policy size."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest
from alibabacloud_kms20160120 import models as kms_models
from alibabacloud_kms20160120.client import Client as KmsClient
from alibabacloud_oos20190601 import models as oos_models
from alibabacloud_oos20190601.client import Client as OosClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_sts20150401 import models as sts_models
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.exceptions import ClientException

from fakes import FakeCloud

from .conftest import REGION, Key, sdk_config

PASSWORD = "Passw0rd!"


def _policy(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "1", "Statement": list(statements)})


def _allow(action: str, resource: str = "*") -> dict[str, object]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def _put_password(cloud: FakeCloud) -> None:
    OosClient(sdk_config(cloud.root_access_key)).create_secret_parameter(
        oos_models.CreateSecretParameterRequest(
            region_id=REGION, name="axtSecretPassword", value=PASSWORD
        )
    )


def _read_decrypted(key: Key) -> str:
    return (
        OosClient(sdk_config(key))
        .get_secret_parameter(
            oos_models.GetSecretParameterRequest(
                region_id=REGION, name="axtSecretPassword", with_decryption=True
            )
        )
        .body.parameter.value
    )


def _reader(ram_user: Callable[..., Key], name: str, secret: str) -> Key:
    """A RAM user who may read secret parameters, and KMS's `secret` only."""
    policy = _policy(_allow("oos:GetSecretParameter"), _allow("kms:GetSecretValue", secret))
    return ram_user(name, custom={"readThePassword": policy})


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda kms: kms.list_keys(kms_models.ListKeysRequest()), id="ListKeys"),
        pytest.param(
            lambda kms: kms.get_secret_value(
                kms_models.GetSecretValueRequest(secret_name="oos/axtSecretPassword")
            ),
            id="GetSecretValue",
        ),
    ],
)
def test_kms_refuses_in_its_own_words(cloud, ram_user: Callable[..., Key], call):
    _put_password(cloud)
    nobody = ram_user("nobody", custom={"oosOnly": _policy(_allow("oos:*"))})
    with pytest.raises(ClientException) as refused:
        call(KmsClient(sdk_config(nobody)))
    error = refused.value
    assert (error.code, error.status_code) == ("Forbidden.NoPermission", 403)
    assert error.message.startswith("code: 403, This operation is forbidden by permission system.")
    assert error.access_denied_detail["AuthAction"].startswith("kms:")


def test_an_oos_secret_parameter_is_the_kms_secret_oos_slash_its_name(cloud, ram_user):
    _put_password(cloud)
    secret = (
        KmsClient(sdk_config(cloud.root_access_key))
        .get_secret_value(kms_models.GetSecretValueRequest(secret_name="oos/axtSecretPassword"))
        .body
    )
    assert (secret.secret_name, secret.secret_data) == ("oos/axtSecretPassword", PASSWORD)

    scoped = _reader(ram_user, "scoped", "acs:kms:*:*:secret/oos/axtSecretPassword")
    assert _read_decrypted(scoped) == PASSWORD


def test_a_kms_grant_on_the_bare_parameter_name_does_not_read_it(cloud, ram_user):
    _put_password(cloud)
    misnamed = _reader(ram_user, "misnamed", "acs:kms:*:*:secret/axtSecretPassword")
    with pytest.raises(ClientException) as refused:
        _read_decrypted(misnamed)
    detail = refused.value.access_denied_detail
    assert (refused.value.code, detail["AuthAction"]) == ("Forbidden.RAM", "kms:GetSecretValue")
    diagnostic = json.loads(base64.b64decode(detail["EncodedDiagnosticMessage"]))
    assert diagnostic["AuthResource"].endswith(":secret/oos/axtSecretPassword")


@pytest.fixture
def assume(cloud: FakeCloud, ram: RamClient) -> Callable[[str], sts_models.AssumeRoleResponse]:
    """`assume(policy)`: the account owner assumes a role with that session policy."""
    trust = _policy(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"RAM": [f"acs:ram::{cloud.account_id}:root"]},
        }
    )
    role = ram.create_role(
        ram_models.CreateRoleRequest(role_name="probe", assume_role_policy_document=trust)
    ).body.role
    sts = StsClient(sdk_config(cloud.root_access_key))

    def run(policy: str) -> sts_models.AssumeRoleResponse:
        return sts.assume_role(
            sts_models.AssumeRoleRequest(
                role_arn=role.arn, role_session_name="probe", policy=policy
            )
        )

    return run


def _padded(length: int) -> str:
    """A valid session policy of exactly `length` characters (padded with spaces)."""
    policy = _policy(_allow("ecs:DescribeInstances"))
    return policy + " " * (length - len(policy))


def test_a_session_policy_may_be_2048_characters_and_not_one_more(assume):
    assert assume(_padded(2048)).body.credentials.access_key_id.startswith("STS.")
    with pytest.raises(ClientException) as refused:
        assume(_padded(2049))
    assert (refused.value.code, refused.value.status_code) == ("InvalidParameter.PolicySize", 400)
