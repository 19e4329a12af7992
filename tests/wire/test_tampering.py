"""A V3 signature covers the body through its hash: a body changed after signing, or a body
parameter that contradicts a signed query parameter, never runs. Hand-signed requests (the
SDKs never send these), in-process through `requests` like any client."""

from __future__ import annotations

import hashlib

import pytest
import requests
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.models import Config

from fakes import FakeCloud
from tests.server._support import v2_signed

from ._signer import SignedRequest, form, sign_v3

REGION = {"RegionId": "cn-hangzhou"}


@pytest.fixture
def cloud():
    with FakeCloud() as running:
        yield running


@pytest.fixture
def linux(cloud):
    return cloud.add_instance(users=["user01"])


def _invocations(cloud: FakeCloud) -> list[str]:
    """The run-as users of every invocation the account holds, read with the official SDK."""
    key_id, secret = cloud.root_access_key
    ecs = EcsClient(Config(access_key_id=key_id, access_key_secret=secret, region_id="cn-hangzhou"))
    listed = ecs.describe_invocations(
        ecs_models.DescribeInvocationsRequest(region_id="cn-hangzhou")
    )
    return [i.username for i in listed.body.invocations.invocation]


def _run_body(linux: str, script: str) -> bytes:
    return form(
        {
            "Type": "RunShellScript",
            "CommandContent": script,
            "InstanceId.1": linux,
            "Username": "user01",
        }
    )


def _send(signed: SignedRequest) -> requests.Response:
    return requests.post(signed.url, headers=signed.headers, data=signed.body, timeout=5)


def _refusal(answer: requests.Response) -> tuple[int, str]:
    return answer.status_code, answer.json()["Code"]


def test_a_hand_signed_body_runs(cloud, linux):
    """The control: the signer is right, so every refusal below is the fake's doing."""
    signed = sign_v3(cloud.root_access_key, "RunCommand", REGION, body=_run_body(linux, "whoami"))
    answer = _send(signed)
    assert answer.status_code == 200, answer.text
    assert _invocations(cloud) == ["user01"]


def test_a_body_swapped_after_signing_is_refused(cloud, linux):
    signed = sign_v3(cloud.root_access_key, "RunCommand", REGION, body=_run_body(linux, "whoami"))
    signed.body = _run_body(linux, "echo pwned")
    assert _refusal(_send(signed)) == (400, "SignatureDoesNotMatch")
    assert _invocations(cloud) == []


def test_a_swapped_body_with_its_own_hash_is_refused(cloud, linux):
    """The attacker also rewrites `x-acs-content-sha256`: it is signed, so that breaks too."""
    signed = sign_v3(cloud.root_access_key, "RunCommand", REGION, body=_run_body(linux, "whoami"))
    signed.body = _run_body(linux, "echo pwned")
    signed.headers["x-acs-content-sha256"] = hashlib.sha256(signed.body).hexdigest()
    assert _refusal(_send(signed)) == (400, "SignatureDoesNotMatch")
    assert _invocations(cloud) == []


def test_a_body_added_to_a_request_signed_without_one_is_refused(cloud, linux):
    query = {**REGION, "Type": "RunShellScript", "InstanceId.1": linux, "Username": "user01"}
    signed = sign_v3(cloud.root_access_key, "RunCommand", {**query, "CommandContent": "whoami"})
    signed.body = form({"CommandContent": "echo pwned"})
    signed.headers["content-type"] = "application/x-www-form-urlencoded"
    status, _ = _refusal(_send(signed))
    assert status == 400
    assert _invocations(cloud) == []


def test_a_hash_that_lies_about_the_body_is_refused_even_when_signed(cloud, linux):
    """A signer who signs the hash of one body and sends another gets no further either."""
    body = _run_body(linux, "echo pwned")
    claimed = hashlib.sha256(_run_body(linux, "whoami")).hexdigest()
    signed = sign_v3(cloud.root_access_key, "RunCommand", REGION, body=body, content_hash=claimed)
    answer = _send(signed)
    assert _refusal(answer) == (400, "SignatureDoesNotMatch")
    assert cloud.root_access_key[1] not in answer.text
    assert _invocations(cloud) == []


def test_a_body_parameter_contradicting_a_signed_query_parameter_is_refused(cloud, linux):
    query = {**REGION, "Username": "user01"}
    body = form({"Type": "RunShellScript", "CommandContent": "whoami", "InstanceId.1": linux})
    body += b"&Username=root"
    answer = _send(sign_v3(cloud.root_access_key, "RunCommand", query, body=body))
    assert _refusal(answer) == (400, "InvalidParameter")
    assert '"Username"' in answer.json()["Message"]
    assert _invocations(cloud) == []


def test_a_parameter_repeated_in_the_query_with_two_values_is_refused(cloud, linux):
    signed = sign_v3(cloud.root_access_key, "RunCommand", REGION, body=_run_body(linux, "whoami"))
    signed.url += "&Username=root"
    answer = _send(signed)
    assert answer.status_code == 400
    assert _invocations(cloud) == []


@pytest.mark.parametrize("forged", ["é" * 64, "ab\u00a0cd", "\u0661" * 64])
def test_a_signature_that_is_not_ascii_is_a_signature_mismatch_not_a_500(cloud, forged):
    """`hmac.compare_digest` refuses non-ASCII text with a TypeError: a forged signature of
    such characters must earn Alibaba's refusal, never an internal error."""
    signed = sign_v3(cloud.root_access_key, "DescribeInstances", REGION)
    head = signed.headers["authorization"].rpartition(",Signature=")[0]
    signed.headers["authorization"] = f"{head},Signature={forged}".encode().decode("latin-1")
    answer = _send(signed)
    assert _refusal(answer) == (400, "SignatureDoesNotMatch")
    query = v2_signed(
        cloud.root_access_key,
        "GET",
        {"Action": "DescribeInstances", "Version": "2014-05-26", **REGION},
    )
    query["Signature"] = forged
    answer = requests.get("https://ecs-cn-hangzhou.aliyuncs.com/", params=query, timeout=5)
    assert _refusal(answer) == (400, "SignatureDoesNotMatch")


def test_a_v2_signature_with_its_letters_case_changed_does_not_match(cloud):
    """Base64 is case-sensitive: the signature with one letter's case changed is another one."""
    query = v2_signed(
        cloud.root_access_key,
        "GET",
        {"Action": "DescribeInstances", "Version": "2014-05-26", **REGION},
    )
    url = "https://ecs-cn-hangzhou.aliyuncs.com/"
    assert requests.get(url, params=query, timeout=5).status_code == 200  # the nonce is spent
    query = v2_signed(
        cloud.root_access_key,
        "GET",
        {"Action": "DescribeInstances", "Version": "2014-05-26", **REGION},
    )
    signature = query["Signature"]
    at = next(i for i, c in enumerate(signature) if c.isalpha())
    query["Signature"] = signature[:at] + signature[at].swapcase() + signature[at + 1 :]
    assert _refusal(requests.get(url, params=query, timeout=5)) == (400, "SignatureDoesNotMatch")
