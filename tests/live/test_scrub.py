"""What a cassette keeps of a request and a response, and how requests are matched on replay."""

from __future__ import annotations

import base64
import json

import pytest
from vcr.request import Request

from harness.recording.cassettes import same_call
from harness.recording.scrub import ACCOUNT, SCRUBBED, Scrubber

ACCOUNT_ID = "1234567890123456"


def _request(query, **headers):
    return Request("POST", f"http://ecs-cn-hangzhou.aliyuncs.com/?{query}", None, headers)


def test_a_request_keeps_its_meaning_and_loses_its_signature_and_secrets():
    scrubbed = Scrubber(ACCOUNT_ID).request(
        _request(
            "Name=axtSecretPassword&Value=Pw-secret&Signature=abc&SignatureNonce=n&AccessKeyId=LTAI"
            f"&Timestamp=t&RoleArn=acs:ram::{ACCOUNT_ID}:role/r",
            **{
                "Authorization": "ACS3-HMAC-SHA256 Credential=LTAI,Signature=x",
                "x-acs-signature-nonce": "n",
                "x-acs-date": "d",
                "x-acs-security-token": "token",
                "x-acs-action": "CreateSecretParameter",
                "x-acs-version": "2019-06-01",
            },
        )
    )
    assert dict(scrubbed.headers) == {
        "x-acs-action": "CreateSecretParameter",
        "x-acs-version": "2019-06-01",
    }
    assert dict(scrubbed.query) == {
        "Name": "axtSecretPassword",
        "Value": SCRUBBED,
        "RoleArn": f"acs:ram::{ACCOUNT}:role/r",
    }


def test_a_response_loses_secrets_and_the_account_id_also_inside_base64():
    diagnostic = base64.b64encode(json.dumps({"Account": ACCOUNT_ID}).encode()).decode()
    body = {
        "AccessKey": {"AccessKeyId": "LTAI", "AccessKeySecret": "s3cr3t"},
        "Credentials": {"SecurityToken": "token", "AccessKeySecret": "s3cr3t"},
        "Parameter": {"Name": "p", "Value": "Pw-secret"},
        "AccessDeniedDetail": {
            "AuthPrincipalOwnerId": ACCOUNT_ID,
            "EncodedDiagnosticMessage": diagnostic,
        },
    }
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {
            "Content-Type": ["application/json"],
            "Date": ["now"],
            "x-acs-retry-after": ["9"],
        },
        "body": {"string": json.dumps(body).encode()},
    }
    scrubbed = Scrubber(ACCOUNT_ID).response(response)
    text = scrubbed["body"]["string"].decode()
    for secret in ("s3cr3t", "token", "Pw-secret", ACCOUNT_ID):
        assert secret not in text
    data = json.loads(text)
    assert data["AccessKey"] == {"AccessKeyId": "LTAI", "AccessKeySecret": SCRUBBED}
    decoded = base64.b64decode(data["AccessDeniedDetail"]["EncodedDiagnosticMessage"])
    assert json.loads(decoded) == {"Account": ACCOUNT}
    assert set(scrubbed["headers"]) == {"Content-Type", "x-acs-retry-after"}


def test_the_account_id_is_learnt_from_the_first_answer_naming_it():
    scrubber = Scrubber()
    body = {"AccountId": ACCOUNT_ID, "Arn": f"acs:ram::{ACCOUNT_ID}:user/u"}
    answer = {"status": {}, "headers": {}, "body": {"string": json.dumps(body).encode()}}
    assert ACCOUNT_ID not in scrubber.response(answer)["body"]["string"].decode()
    assert scrubber.account_id == ACCOUNT_ID


def test_requests_match_on_product_action_and_meaning_not_on_tokens():
    headers = {"x-acs-action": "RunCommand", "x-acs-version": "2014-05-26"}
    one = _request("InstanceId.1=i-1&Username=user01&ClientToken=aaa", **headers)
    same_call(one, _request("ClientToken=bbb&Username=user01&InstanceId.1=i-1", **headers))
    with pytest.raises(AssertionError, match="RunCommand"):
        same_call(one, _request("InstanceId.1=i-1&Username=root&ClientToken=aaa", **headers))
    other = {"x-acs-action": "RunCommand", "x-acs-version": "2016-01-20"}
    with pytest.raises(AssertionError):
        same_call(one, _request("InstanceId.1=i-1&Username=user01", **other))
