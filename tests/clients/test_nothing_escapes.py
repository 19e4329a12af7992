"""While `FakeCloud()` is active, no request for `*.aliyuncs.com` leaves the machine: each
intercepted transport reaches the fake, and what the fake cannot serve fails loudly, naming the
URL and why, on every transport."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import socket
import urllib.request

import aiohttp
import pytest
import requests
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.models import Config
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.request import CommonRequest
from aliyunsdkcore.vendored import requests as vendored_requests

from fakes import FakeCloud
from fakes.inprocess import UnservedRequest

URL = "https://ecs-cn-hangzhou.aliyuncs.com/?Action=DescribeRegions&Version=2014-05-26"


def _stream():
    yield b"Action=DescribeRegions"


def _aiohttp_get(url: str, **kwargs) -> tuple[int, str]:
    async def get():
        async with aiohttp.ClientSession() as session, session.post(url, **kwargs) as answer:
            return answer.status, await answer.text()

    return asyncio.run(get())


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda: requests.post(URL, timeout=5), id="requests"),
        pytest.param(lambda: vendored_requests.post(URL, timeout=5), id="vendored-requests"),
    ],
)
def test_each_requests_copy_reaches_the_fake(fake_cloud, send):
    answer = send()
    assert answer.status_code == 400  # unsigned: the fake's own refusal, in Alibaba's envelope
    assert answer.json()["Code"] == "IncompleteSignature"


def test_aiohttp_reaches_the_fake(fake_cloud):
    status, body = _aiohttp_get(URL)
    assert status == 400
    assert json.loads(body)["Code"] == "IncompleteSignature"


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda: urllib.request.urlopen(URL, timeout=5), id="urllib"),
        pytest.param(
            lambda: http.client.HTTPSConnection("ecs.aliyuncs.com", timeout=5).request("GET", "/"),
            id="http.client",
        ),
        pytest.param(
            lambda: socket.create_connection(("kms.cn-hangzhou.aliyuncs.com", 443)), id="socket"
        ),
        pytest.param(lambda: requests.post(URL, data=_stream(), timeout=5), id="requests-stream"),
        pytest.param(
            lambda: vendored_requests.post(URL, data=_stream(), timeout=5),
            id="vendored-requests-stream",
        ),
        pytest.param(
            lambda: _aiohttp_get(URL, data=aiohttp.FormData({"a": "b"})), id="aiohttp-form"
        ),
    ],
)
def test_what_the_fake_cannot_serve_fails_loudly_and_stays_here(fake_cloud, send):
    with pytest.raises(UnservedRequest, match=r"aliyuncs\.com.*stopped before it left"):
        send()


def test_the_guard_stands_down_when_the_fake_stops():
    with FakeCloud(), pytest.raises(UnservedRequest):
        socket.getaddrinfo("ecs.aliyuncs.com", 443)
    # Offline machines cannot resolve it at all; either way, the fake no longer objects.
    with contextlib.suppress(OSError):
        socket.getaddrinfo("ecs.aliyuncs.com", 443)


def test_nested_fakes_keep_the_guard_until_the_last_stops():
    with FakeCloud():
        with FakeCloud():
            pass
        with pytest.raises(UnservedRequest):
            socket.getaddrinfo("ram.aliyuncs.com", 443)


def _callers(key):
    """GetCallerIdentity's AccountId through the sync, async and legacy clients."""
    config = Config(access_key_id=key[0], access_key_secret=key[1], region_id="cn-hangzhou")
    sts = StsClient(config)
    legacy = AcsClient(key[0], key[1], "cn-hangzhou", auto_retry=False)
    request = CommonRequest(domain="sts.aliyuncs.com", version="2015-04-01")
    request.set_action_name("GetCallerIdentity")
    return (
        sts.get_caller_identity().body.account_id,
        asyncio.run(sts.get_caller_identity_async()).body.account_id,
        json.loads(legacy.do_action_with_exception(request))["AccountId"],
    )


def test_the_innermost_fake_answers_on_every_transport_then_the_outer_again():
    with FakeCloud() as outer:
        with FakeCloud() as inner:
            assert _callers(inner.root_access_key) == (inner.account_id,) * 3
        assert _callers(outer.root_access_key) == (outer.account_id,) * 3
