"""`ACS3-HMAC-SM3`: the SM3 hash against the standard's vectors, and the official SDK signing
with it is verified, not refused (tea-openapi `Config(signature_algorithm="ACS3-HMAC-SM3")`)."""

from __future__ import annotations

import hmac

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config

from fakes import FakeCloud
from fakes.wire.sm3 import Sm3

SM3 = "ACS3-HMAC-SM3"


@pytest.mark.parametrize(
    ("message", "digest"),
    [
        # GB/T 32905-2016, appendix A: example 1 ("abc") and example 2 (64 bytes).
        (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
        (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
    ],
    ids=["abc", "abcd-x16"],
)
def test_sm3_reproduces_the_standards_vectors(message, digest):
    assert Sm3(message).hexdigest() == digest


def test_sm3_hashes_the_same_fed_in_pieces():
    whole = bytes(range(256)) * 3
    pieces = Sm3()
    for start in range(0, len(whole), 37):
        pieces.update(whole[start : start + 37])
    assert pieces.copy().hexdigest() == Sm3(whole).hexdigest()


def test_sm3_works_as_an_hmac_digest():
    mac = hmac.new(b"key", b"message", Sm3)
    assert (mac.digest_size, len(mac.hexdigest())) == (32, 64)


def _ecs(cloud: FakeCloud, secret: str | None = None) -> EcsClient:
    key_id, real_secret = cloud.root_access_key
    return EcsClient(
        Config(
            access_key_id=key_id,
            access_key_secret=secret or real_secret,
            region_id="cn-hangzhou",
            signature_algorithm=SM3,
        )
    )


def test_the_sdk_signing_with_sm3_runs_a_command_as_user01():
    with FakeCloud() as cloud:
        linux = cloud.add_instance(users=["user01"])
        ecs = _ecs(cloud)
        started = ecs.run_command(
            ecs_models.RunCommandRequest(
                region_id="cn-hangzhou",
                type="RunShellScript",
                command_content="whoami",
                instance_id=[linux],
                username="user01",
            )
        )
        request = ecs_models.DescribeInvocationResultsRequest(
            region_id="cn-hangzhou", invoke_id=started.body.invoke_id
        )
        for _ in range(10):
            result = ecs.describe_invocation_results(request).body.invocation
            run = result.invocation_results.invocation_result[0]
            if run.invocation_status not in ("Pending", "Running"):
                break
        assert (run.invocation_status, run.username) == ("Success", "user01")


def test_an_sm3_signature_with_the_wrong_secret_is_refused():
    with FakeCloud() as cloud:
        ecs = _ecs(cloud, secret="not-the-secret")
        with pytest.raises(ClientException) as refused:
            ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou"))
        assert (refused.value.code, refused.value.status_code) == ("SignatureDoesNotMatch", 400)
        assert refused.value.message.split("is:", 1)[1].startswith(f"{SM3}\n")
