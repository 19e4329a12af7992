"""The rules a signed request must keep besides a matching signature: V3's signed headers,
nonce and fresh `x-acs-date`; and a disabled key stays secret from a bad signature.
Codes from shared/reference/alibaba-cloud.md 4.3; which code answers which rule is A27."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config

from fakes import FakeCloud
from fakes.assumptions import ASSUMPTIONS

from ._signer import SignedRequest, form, sign_v3

LIST = {"RegionId": "cn-hangzhou"}


@pytest.fixture
def cloud():
    with FakeCloud() as running:
        yield running


def _send(signed: SignedRequest) -> tuple[int, str, str]:
    answer = requests.post(signed.url, headers=signed.headers, data=signed.body, timeout=5)
    body = answer.json()
    return answer.status_code, body.get("Code", ""), body.get("Message", "")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_well_signed_request_passes(cloud):
    """The control for everything below: the hand signer is right."""
    assert _send(sign_v3(cloud.root_access_key, "DescribeInstances", LIST))[0] == 200


@pytest.mark.parametrize("header", ["x-acs-signature-nonce", "x-acs-date", "x-acs-content-sha256"])
def test_a_missing_nonce_date_or_payload_hash_is_refused(cloud, header):
    """No nonce would make the request replayable; no date, undatable; no hash, its body
    unsigned."""
    signed = sign_v3(
        cloud.root_access_key,
        "DescribeInstances",
        LIST,
        extra_headers={header: None},  # type: ignore[dict-item]
    )
    status, code, message = _send(signed)
    assert (status, code) == (400, "MissingParameter")
    assert header in message


def test_a_replayed_v3_request_is_refused(cloud):
    signed = sign_v3(cloud.root_access_key, "DescribeInstances", LIST)
    assert _send(signed)[0] == 200
    assert _send(signed)[:2] == (400, "SignatureNonceUsed")


@pytest.mark.parametrize(
    "header",
    [
        "x-acs-signature-nonce",
        "host",
        "x-acs-action",
        "x-acs-version",
        "x-acs-date",
        "x-acs-content-sha256",
        "content-type",
        "x-acs-credentials-provider",
    ],
)
def test_a_common_header_left_out_of_the_signature_is_refused(cloud, header):
    """Each header is left out of `SignedHeaders` and of the signature, which is otherwise
    valid: only the rule refuses it."""
    signed = sign_v3(
        cloud.root_access_key,
        "DescribeInstances",
        LIST,
        body=form({"PageSize": "10"}),
        extra_headers={"x-acs-credentials-provider": "static_ak"},
        unsigned=(header,),
    )
    status, code, message = _send(signed)
    assert (status, code) == (400, "IncompleteSignature")
    assert f"`{header}`" in message


def test_an_unsigned_content_type_on_a_bodyless_request_is_served(cloud):
    """The official SDK's async calls send one: aiohttp adds it after the SDK signed (A27)."""
    signed = sign_v3(
        cloud.root_access_key,
        "DescribeInstances",
        LIST,
        extra_headers={"content-type": "application/octet-stream"},
        unsigned=("content-type",),
    )
    assert _send(signed)[0] == 200


def test_an_upper_case_name_in_signed_headers_is_refused(cloud):
    signed = sign_v3(cloud.root_access_key, "DescribeInstances", LIST)
    names = sorted(n for n in signed.headers if n != "authorization")
    upper = tuple("Host" if n == "host" else n for n in names)
    signed = sign_v3(cloud.root_access_key, "DescribeInstances", LIST, signed_names=upper)
    status, code, message = _send(signed)
    assert (status, code) == (400, "IncompleteSignature")
    assert "`Host`" in message


@pytest.mark.parametrize(
    "date", ["28/11/2026 04:03:35", "2026-11-28T04:03:35", "2026-11-28T04:03:35.123Z", "yesterday"]
)
def test_a_malformed_date_is_refused(cloud, date):
    signed = sign_v3(cloud.root_access_key, "DescribeInstances", LIST, date=date)
    assert _send(signed)[:2] == (400, "InvalidTimeStamp.Format")


@pytest.mark.parametrize(
    "offset",
    [timedelta(minutes=-16), timedelta(minutes=16), timedelta(days=-3650)],
    ids=["16-min-old", "16-min-ahead", "ten-years-old"],
)
def test_a_date_far_from_the_real_clock_is_expired(cloud, offset):
    date = _stamp(datetime.now(UTC) + offset)
    signed = sign_v3(cloud.root_access_key, "DescribeInstances", LIST, date=date)
    assert _send(signed)[:2] == (400, "InvalidTimeStamp.Expired")


@pytest.mark.parametrize("offset", [timedelta(minutes=-14), timedelta(minutes=14)])
def test_a_date_within_the_window_is_accepted(cloud, offset):
    date = _stamp(datetime.now(UTC) + offset)
    signed = sign_v3(cloud.root_access_key, "DescribeInstances", LIST, date=date)
    assert _send(signed)[0] == 200


def test_the_date_is_held_against_the_real_clock_not_the_virtual_one(cloud):
    """The fake's virtual clock runs ahead of real time; a client signs with real time."""
    cloud.clock.advance(timedelta(days=2))
    assert _send(sign_v3(cloud.root_access_key, "DescribeInstances", LIST))[0] == 200


def test_an_unsupported_algorithm_is_named(cloud):
    signed = sign_v3(cloud.root_access_key, "DescribeInstances", LIST)
    signed.headers["authorization"] = signed.headers["authorization"].replace(
        "ACS3-HMAC-SHA256", "ACS3-RSA-SHA256", 1
    )
    status, code, message = _send(signed)
    assert (status, code) == (400, "InvalidSignatureMethod")
    assert "ACS3-RSA-SHA256" in message


def test_the_rule_codes_are_a_named_assumption():
    assert "IncompleteSignature" in ASSUMPTIONS["A27"].statement
    assert "15 minutes" in ASSUMPTIONS["A27"].statement


# ---- a disabled key is revealed only to a caller who signs with its secret ------------------


@pytest.fixture
def disabled_key(cloud) -> tuple[str, str]:
    key_id, secret = cloud.root_access_key
    ram = RamClient(Config(access_key_id=key_id, access_key_secret=secret, region_id="cn-hangzhou"))
    ram.create_user(ram_models.CreateUserRequest(user_name="commandUser"))
    made = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name="commandUser"))
    key = made.body.access_key
    ram.update_access_key(
        ram_models.UpdateAccessKeyRequest(
            user_name="commandUser", user_access_key_id=key.access_key_id, status="Inactive"
        )
    )
    return key.access_key_id, key.access_key_secret


def _list_users_as(key: tuple[str, str]) -> ClientException:
    ram = RamClient(Config(access_key_id=key[0], access_key_secret=key[1], region_id="cn-hangzhou"))
    with pytest.raises(ClientException) as refused:
        ram.list_users(ram_models.ListUsersRequest())
    return refused.value


def test_a_disabled_key_with_a_wrong_secret_gets_a_signature_mismatch(disabled_key):
    refused = _list_users_as((disabled_key[0], "not-the-secret"))
    assert (refused.code, refused.status_code) == ("SignatureDoesNotMatch", 400)


def test_a_disabled_key_with_its_secret_is_told_it_is_disabled(disabled_key):
    refused = _list_users_as(disabled_key)
    assert (refused.code, refused.status_code) == ("Forbidden.AccessKeyDisabled", 403)
