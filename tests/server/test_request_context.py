"""Over the server, RAM sees the request as it came: plain HTTP (`acs:SecureTransport` false)
from the client's own address (`acs:SourceIp`)."""

from __future__ import annotations

import json

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_tea_openapi.exceptions import ClientException

from ._support import REGION


def _user_with(ram, conditions):
    document = {
        "Version": "1",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "ecs:DescribeInstances",
                "Resource": "*",
                "Condition": conditions,
            }
        ],
    }
    ram.create_user(ram_models.CreateUserRequest(user_name="lister"))
    ram.create_policy(
        ram_models.CreatePolicyRequest(policy_name="listing", policy_document=json.dumps(document))
    )
    ram.attach_policy_to_user(
        ram_models.AttachPolicyToUserRequest(
            policy_type="Custom", policy_name="listing", user_name="lister"
        )
    )
    key = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name="lister"))
    return key.body.access_key.access_key_id, key.body.access_key.access_key_secret


def _lists(ecs):
    ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id=REGION))


def test_plain_http_from_loopback_is_what_ram_sees(root, ram_as, ecs_as):
    key = _user_with(
        ram_as(root),
        {
            "Bool": {"acs:SecureTransport": "false"},
            "IpAddress": {"acs:SourceIp": "127.0.0.1/32"},
        },
    )
    _lists(ecs_as(key))  # allowed: both conditions hold


@pytest.mark.parametrize(
    "conditions",
    [{"Bool": {"acs:SecureTransport": "true"}}, {"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}],
    ids=["https-only", "other-network"],
)
def test_a_condition_the_request_does_not_meet_refuses_it(root, ram_as, ecs_as, conditions):
    key = _user_with(ram_as(root), conditions)
    with pytest.raises(ClientException) as refused:
        _lists(ecs_as(key))
    assert refused.value.code == "Forbidden.RAM"
