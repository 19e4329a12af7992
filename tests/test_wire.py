"""The wire protocol: signatures (with the reference's test vectors), envelopes, bad requests.

The vectors are in shared/reference/alibaba-cloud.md section 5.3. Everything else goes through
the official SDK, including its generic `call_api` for actions the typed clients do not have.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException
from alibabacloud_tea_openapi.models import Config
from alibabacloud_tea_openapi.utils_models import OpenApiRequest, Params
from darabonba.runtime import RuntimeOptions

from fakes import FakeCloud
from fakes.wire import signature, signing_rules
from fakes.wire.http import HttpRequest

V3_URL = (
    "https://ecs-cn-hangzhou.aliyuncs.com/?CommandContent=id+-un%3B+echo+%27a+b%2Ac~%27"
    "&InstanceId.1=i-bp1example0000000001&RegionId=cn-hangzhou&Type=RunShellScript"
    "&Username=user01"
)
V3_HEADERS = {
    "host": "ecs-cn-hangzhou.aliyuncs.com",
    "x-acs-version": "2014-05-26",
    "x-acs-action": "RunCommand",
    "user-agent": "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
    "x-acs-date": "2026-11-28T04:03:35Z",
    "x-acs-signature-nonce": "a3d43629714b385bbdcad270e28a0869",
    "accept": "application/json",
    "x-acs-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "x-acs-credentials-provider": "static_ak",
    "authorization": (
        "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=accept;host;user-agent;x-acs-action;"
        "x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;"
        "x-acs-version,Signature=aadfc442506a257b28c53502ba1c97815030c3f37ca893325d205a51101fa401"
    ),
    "content-length": "0",
}


@pytest.fixture
def at_vector_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The wall clock at the vector's `x-acs-date`: it was signed then, and is fresh only then."""
    signed = datetime(2026, 11, 28, 4, 3, 35, tzinfo=UTC)
    monkeypatch.setattr(signing_rules, "wall_clock", lambda: signed)


def _answer(cloud: FakeCloud, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    response = cloud.handle(HttpRequest("POST", url, headers))
    return response.status, json.loads(response.body)


def _ecs(cloud: FakeCloud, **extra: object) -> EcsClient:
    key_id, secret = cloud.root_access_key
    return EcsClient(
        Config(access_key_id=key_id, access_key_secret=secret, region_id="cn-hangzhou", **extra)
    )


@pytest.mark.usefixtures("at_vector_time")
def test_v3_reference_vector_is_accepted() -> None:
    cloud = FakeCloud(root_access_key=("testid", "testsecret"))
    status, body = _answer(cloud, V3_URL, V3_HEADERS)
    # The signature passed: the fake got as far as looking for the (absent) instance.
    assert (status, body["Code"]) == (404, "InvalidInstance.NotFound")


def test_v3_reference_vector_signature_is_reproduced() -> None:
    auth = signature.parse_v3_authorization(V3_HEADERS["authorization"])
    query = [
        ("CommandContent", "id -un; echo 'a b*c~'"),
        ("InstanceId.1", "i-bp1example0000000001"),
        ("RegionId", "cn-hangzhou"),
        ("Type", "RunShellScript"),
        ("Username", "user01"),
    ]
    to_sign = signature.v3_string_to_sign(
        "POST", "/", query, V3_HEADERS, auth.signed_headers, V3_HEADERS["x-acs-content-sha256"]
    )
    assert signature.v3_signature("testsecret", to_sign) == auth.signature


@pytest.mark.usefixtures("at_vector_time")
def test_v3_vector_with_one_changed_parameter_is_refused() -> None:
    cloud = FakeCloud(root_access_key=("testid", "testsecret"))
    status, body = _answer(cloud, V3_URL.replace("user01", "root"), V3_HEADERS)
    assert (status, body["Code"]) == (400, "SignatureDoesNotMatch")
    assert "server string to sign is:ACS3-HMAC-SHA256\n" in body["Message"]
    assert "testsecret" not in json.dumps(body)


def test_v2_reference_vector_is_reproduced() -> None:
    params = [
        ("Timestamp", "2016-02-23T12:46:24Z"),
        ("Format", "XML"),
        ("AccessKeyId", "testid"),
        ("Action", "DescribeRegions"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
        ("Version", "2014-05-26"),
        ("SignatureVersion", "1.0"),
    ]
    to_sign = signature.v2_string_to_sign("GET", params)
    assert signature.v2_signature("testsecret", to_sign) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_v2_signed_sdk_calls_are_authenticated() -> None:
    with FakeCloud() as cloud:
        linux = cloud.add_instance(users=["user01"])
        client = _ecs(cloud, signature_algorithm="v2")
        listed = client.describe_instances(
            ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou")
        )
        assert [i.instance_id for i in listed.body.instances.instance] == [linux]


@pytest.mark.usefixtures("at_vector_time")
def test_a_replayed_nonce_is_refused() -> None:
    cloud = FakeCloud(root_access_key=("testid", "testsecret"))
    assert _answer(cloud, V3_URL, V3_HEADERS)[1]["Code"] == "InvalidInstance.NotFound"
    status, body = _answer(cloud, V3_URL, V3_HEADERS)
    assert (status, body["Code"]) == (400, "SignatureNonceUsed")


def test_a_request_without_a_signature_is_refused() -> None:
    cloud = FakeCloud()
    headers = {k: v for k, v in V3_HEADERS.items() if k != "authorization"}
    status, body = _answer(cloud, V3_URL, headers)
    assert (status, body["Code"]) == (400, "IncompleteSignature")


def test_a_garbled_authorization_header_is_refused() -> None:
    cloud = FakeCloud()
    headers = {**V3_HEADERS, "authorization": "ACS3-HMAC-SHA256 nonsense"}
    status, body = _answer(cloud, V3_URL, headers)
    assert (status, body["Code"]) == (400, "IncompleteSignature")


@pytest.mark.usefixtures("at_vector_time")
def test_an_unknown_version_is_refused() -> None:
    cloud = FakeCloud(root_access_key=("testid", "testsecret"))
    status, body = _answer(cloud, V3_URL, {**V3_HEADERS, "x-acs-version": "1999-01-01"})
    assert (status, body["Code"]) == (400, "InvalidVersion")


@pytest.mark.usefixtures("at_vector_time")
def test_a_malformed_query_is_refused_without_a_traceback() -> None:
    cloud = FakeCloud(root_access_key=("testid", "testsecret"))
    status, body = _answer(cloud, "https://ecs.aliyuncs.com/?a=1&&&=b", V3_HEADERS)
    assert (status, body["Code"]) == (400, "InvalidParameter")
    assert "Traceback" not in json.dumps(body)


def test_unknown_key_is_refused_with_not_found() -> None:
    with FakeCloud() as cloud:
        client = RamClient(
            Config(access_key_id="LTAIunknown", access_key_secret="x" * 30, region_id="cn-hangzhou")
        )
        with pytest.raises(ClientException) as refused:
            client.list_users(ram_models.ListUsersRequest())
        assert (refused.value.code, refused.value.status_code) == (
            "InvalidAccessKeyId.NotFound",
            404,
        )
        assert cloud.account_id


def test_wrong_secret_is_refused_with_signature_mismatch() -> None:
    with FakeCloud() as cloud:
        key_id, _ = cloud.root_access_key
        client = RamClient(
            Config(
                access_key_id=key_id, access_key_secret="not-the-secret", region_id="cn-hangzhou"
            )
        )
        with pytest.raises(ClientException) as refused:
            client.list_users(ram_models.ListUsersRequest())
        assert (refused.value.code, refused.value.status_code) == ("SignatureDoesNotMatch", 400)


def test_an_unknown_action_gets_alibabas_answer() -> None:
    with FakeCloud() as cloud:
        client = _ecs(cloud)
        params = Params(
            action="LaunchRockets",
            version="2014-05-26",
            protocol="HTTPS",
            pathname="/",
            method="POST",
            auth_type="AK",
            style="RPC",
            req_body_type="formData",
            body_type="json",
        )
        with pytest.raises(ClientException) as refused:
            client.call_api(
                params, OpenApiRequest(query={"RegionId": "cn-hangzhou"}), RuntimeOptions()
            )
        assert (refused.value.code, refused.value.status_code) == ("InvalidAction.NotFound", 404)


def test_an_error_body_is_alibabas_envelope() -> None:
    with FakeCloud() as cloud:
        client = _ecs(cloud)
        with pytest.raises(ClientException) as refused:
            client.run_command(
                ecs_models.RunCommandRequest(
                    region_id="cn-hangzhou",
                    type="RunShellScript",
                    command_content="whoami",
                    instance_id=["i-doesnotexist"],
                )
            )
        body = refused.value.data
        assert set(body) >= {"RequestId", "HostId", "Code", "Message", "Recommend"}
        assert body["HostId"] == "ecs-cn-hangzhou.aliyuncs.com"
        assert body["Code"] == "InvalidInstance.NotFound"
        assert body["Recommend"].startswith("https://api.aliyun.com/troubleshoot?q=InvalidInstance")
        assert refused.value.request_id == body["RequestId"]


def test_request_ids_are_unique_upper_case_uuids() -> None:
    with FakeCloud() as cloud:
        client = _ecs(cloud)
        ids = {
            client.describe_instances(
                ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou")
            ).body.request_id
            for _ in range(5)
        }
        assert len(ids) == 5
        assert all(i == i.upper() and len(i) == 36 for i in ids)


def test_a_missing_required_parameter_is_named() -> None:
    with FakeCloud() as cloud:
        cloud.add_instance(users=["user01"])
        client = _ecs(cloud)
        with pytest.raises(ClientException) as refused:
            client.create_command(
                ecs_models.CreateCommandRequest(
                    region_id="cn-hangzhou", type="RunShellScript", command_content="whoami"
                )
            )
        assert refused.value.code == "MissingParameter"
        assert '"Name"' in refused.value.message


def test_a_crash_inside_the_fake_is_an_internal_error_not_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with FakeCloud() as cloud:
        linux = cloud.add_instance(users=["user01"])

        def explode(_: object) -> object:
            raise RuntimeError("boom")

        cloud.on_command("explode", explode)  # type: ignore[arg-type]
        client = _ecs(cloud)
        started = client.run_command(
            ecs_models.RunCommandRequest(
                region_id="cn-hangzhou",
                type="RunShellScript",
                command_content="explode",
                instance_id=[linux],
            )
        ).body
        request = ecs_models.DescribeInvocationResultsRequest(
            region_id="cn-hangzhou", invoke_id=started.invoke_id
        )
        pending = client.describe_invocation_results(request).body.invocation
        assert pending.invocation_results.invocation_result[0].invocation_status == "Pending"
        with pytest.raises(ServerException) as failed:
            client.describe_invocation_results(request)  # the script starts on this read
        assert (failed.value.code, failed.value.status_code) == ("InternalError", 500)
        assert "boom" not in str(failed.value.data)
        assert "boom" in caplog.text
