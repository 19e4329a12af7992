"""The spent-nonce store is bounded by the signature's date window: a nonce is forgotten once
its request's signing time is more than 15 minutes away from the wall clock, because such a
request is refused by its date anyway, and a replay inside the window is still refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from fakes import FakeCloud
from fakes.wire import signing_rules
from fakes.wire.signing_rules import WINDOW, SpentNonces

from ._signer import SignedRequest, sign_v3

LIST = {"RegionId": "cn-hangzhou"}
SIGNED = datetime(2026, 11, 28, 4, 3, 35, tzinfo=UTC)


class _WallClock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = SIGNED
        monkeypatch.setattr(signing_rules, "wall_clock", lambda: self.now)


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> _WallClock:
    return _WallClock(monkeypatch)


def _send(signed: SignedRequest) -> tuple[int, str]:
    answer = requests.post(signed.url, headers=signed.headers, data=signed.body, timeout=5)
    return answer.status_code, answer.json().get("Code", "")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_nonce_is_kept_while_its_signing_time_is_fresh(wall: _WallClock) -> None:
    store = SpentNonces()
    assert store.spend("a", SIGNED)
    wall.now = SIGNED + WINDOW  # the last moment `a`'s request would still be accepted
    assert not store.spend("a", SIGNED)
    assert "a" in store


def test_nonces_past_the_window_are_forgotten(wall: _WallClock) -> None:
    store = SpentNonces()
    for n in range(1000):
        assert store.spend(f"old-{n}", SIGNED)
    assert store.spend("ahead", SIGNED + timedelta(minutes=14))  # signed by a fast clock
    wall.now = SIGNED + WINDOW + timedelta(seconds=1)
    assert store.spend("new", wall.now)
    assert len(store) == 2  # `ahead` is fresh until 14 + 15 minutes after SIGNED
    assert "old-0" not in store


def test_the_store_stays_the_size_of_one_window_of_traffic(wall: _WallClock) -> None:
    store = SpentNonces()
    for second in range(3 * 3600):  # three hours at one request a second
        wall.now = SIGNED + timedelta(seconds=second)
        assert store.spend(str(second), wall.now)
        assert len(store) <= WINDOW.total_seconds() + 1


def test_a_replay_inside_the_window_is_refused_and_outside_it_is_expired(
    wall: _WallClock,
) -> None:
    with FakeCloud() as cloud:
        signed = sign_v3(cloud.root_access_key, "DescribeInstances", LIST, date=_stamp(SIGNED))
        assert _send(signed) == (200, "")
        wall.now = SIGNED + timedelta(minutes=14)
        assert _send(signed) == (400, "SignatureNonceUsed")
        wall.now = SIGNED + timedelta(minutes=16)
        fresh = sign_v3(cloud.root_access_key, "DescribeInstances", LIST, date=_stamp(wall.now))
        assert _send(fresh) == (200, "")  # this request's nonce pushes the old one out
        assert _send(signed) == (400, "InvalidTimeStamp.Expired")
