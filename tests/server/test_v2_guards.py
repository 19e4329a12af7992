"""V2 requests cannot be replayed: a nonce is good once, and a timestamp only near the real
clock (assumption A13: 15 minutes either way)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fakes.assumptions import ASSUMPTIONS

from ._support import REGION, v2_signed

LIST = {"Action": "DescribeInstances", "Version": "2014-05-26", "RegionId": REGION}


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_replayed_request_is_refused_for_its_nonce(server, root, http, method):
    params = v2_signed(root, method, LIST)
    if method == "GET":
        send = lambda: http.get(server.url, params=params, timeout=5)  # noqa: E731
    else:  # the parameters in a form-encoded body
        send = lambda: http.post(server.url, data=params, timeout=5)  # noqa: E731

    assert send().status_code == 200
    replayed = send()
    assert (replayed.status_code, replayed.json()["Code"]) == (400, "SignatureNonceUsed")


@pytest.mark.parametrize(
    "offset",
    [timedelta(minutes=-16), timedelta(minutes=16), timedelta(days=-3650)],
    ids=["16-min-old", "16-min-ahead", "ten-years-old"],
)
def test_a_timestamp_far_from_the_clock_is_expired(server, root, http, offset):
    sent = _stamp(datetime.now(UTC) + offset)
    answer = http.get(server.url, params=v2_signed(root, "GET", {**LIST, "Timestamp": sent}))
    assert answer.status_code == 400
    assert answer.json()["Code"] == "InvalidTimeStamp.Expired"
    assert answer.json()["Message"] == "Specified time stamp or date value is expired."


@pytest.mark.parametrize("offset", [timedelta(minutes=-14), timedelta(minutes=14)])
def test_a_timestamp_within_the_window_is_accepted(server, root, http, offset):
    sent = _stamp(datetime.now(UTC) + offset)
    answer = http.get(server.url, params=v2_signed(root, "GET", {**LIST, "Timestamp": sent}))
    assert answer.status_code == 200, answer.text


def test_a_timestamp_in_another_format_is_refused(server, root, http):
    params = v2_signed(root, "GET", {**LIST, "Timestamp": "28/11/2026 04:03:35"})
    answer = http.get(server.url, params=params, timeout=5)
    assert (answer.status_code, answer.json()["Code"]) == (400, "InvalidTimeStamp.Format")


def test_the_window_is_a_named_assumption():
    assert "15 minutes" in ASSUMPTIONS["A13"].statement
    assert "InvalidTimeStamp.Expired" in ASSUMPTIONS["A13"].statement
