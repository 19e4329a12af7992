"""Signing rules through the standalone server: the SDK signing with SM3 is served, and a V2
request without a nonce (so replayable) is refused."""

from __future__ import annotations

from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient

from ._support import REGION, sdk_config, v2_signed

LIST = {"Action": "DescribeInstances", "Version": "2014-05-26", "RegionId": REGION}


def test_the_sdk_signing_with_sm3_is_served(server, root):
    linux = server.cloud.add_instance(users=["user01"])
    config = sdk_config(server, root)
    config.signature_algorithm = "ACS3-HMAC-SM3"
    listed = EcsClient(config).describe_instances(
        ecs_models.DescribeInstancesRequest(region_id=REGION)
    )
    assert [i.instance_id for i in listed.body.instances.instance] == [linux]


def test_a_v2_request_without_a_nonce_is_refused(server, root, http):
    params = v2_signed(root, "GET", {**LIST, "SignatureNonce": ""})
    answer = http.get(server.url, params=params, timeout=5)
    assert (answer.status_code, answer.json()["Code"]) == (400, "MissingParameter")
    assert "SignatureNonce" in answer.json()["Message"]
