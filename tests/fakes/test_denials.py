"""Each product refuses a RAM user in its own words, from one table (`fakes.access.DENIALS`):
no service rewrites a refusal on its own. Walked through each product's official SDK, with a
RAM user who holds no policy at all (an implicit deny)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_kms20160120 import models as kms_models
from alibabacloud_kms20160120.client import Client as KmsClient
from alibabacloud_oos20190601 import models as oos_models
from alibabacloud_oos20190601.client import Client as OosClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_resourcedirectorymaster20220419.client import Client as RdClient
from alibabacloud_resourcemanager20200331 import models as rm_models
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_sts20150401 import models as sts_models
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.exceptions import ClientException

from fakes.access import DENIALS

from .conftest import REGION, Key, sdk_config

ROLE = "someRole"

#: One refused call per product in DENIALS, made as the RAM user `key`.
CALLS: dict[str, Callable[[Key, str], object]] = {
    "ecs": lambda key, account: EcsClient(sdk_config(key)).describe_instances(
        ecs_models.DescribeInstancesRequest(region_id=REGION)
    ),
    "ram": lambda key, account: RamClient(sdk_config(key)).list_users(
        ram_models.ListUsersRequest()
    ),
    "sts": lambda key, account: StsClient(sdk_config(key)).assume_role(
        sts_models.AssumeRoleRequest(
            role_arn=f"acs:ram::{account}:role/{ROLE}", role_session_name="refused"
        )
    ),
    "kms": lambda key, account: KmsClient(sdk_config(key)).list_keys(kms_models.ListKeysRequest()),
    "oos": lambda key, account: OosClient(sdk_config(key)).list_secret_parameters(
        oos_models.ListSecretParametersRequest(region_id=REGION)
    ),
    "resourcemanager": lambda key, account: RmClient(sdk_config(key)).list_resource_groups(
        rm_models.ListResourceGroupsRequest()
    ),
    "resourcedirectorymaster": lambda key, account: RdClient(
        sdk_config(key)
    ).get_resource_directory(),
}


def test_every_product_with_its_own_denial_is_walked_here() -> None:
    assert set(CALLS) == set(DENIALS)


@pytest.mark.parametrize("product", sorted(CALLS))
def test_a_product_refuses_in_the_words_of_the_denial_table(
    product: str, cloud, ram: RamClient, ram_user: Callable[..., Key]
) -> None:
    trust = {
        "Version": "1",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"RAM": [f"acs:ram::{cloud.account_id}:root"]},
            }
        ],
    }
    ram.create_role(
        ram_models.CreateRoleRequest(role_name=ROLE, assume_role_policy_document=json.dumps(trust))
    )
    nobody = ram_user("nobody")
    with pytest.raises(ClientException) as refused:
        CALLS[product](nobody, cloud.account_id)
    code, message, status = DENIALS[product]
    error = refused.value
    assert (error.code, error.status_code) == (code, status)
    assert error.message.startswith(f"code: {status}, {message}")
    assert error.access_denied_detail["NoPermissionType"] == "ImplicitDeny"


def test_kms_words_its_refusal_as_its_docs_do() -> None:
    """AlibabaCloudDocs/kms, API Reference/Calling method/Responses.md: 403
    `Forbidden.NoPermission` "This operation is forbidden by permission system."."""
    assert DENIALS["kms"] == (
        "Forbidden.NoPermission",
        "This operation is forbidden by permission system.",
        403,
    )
