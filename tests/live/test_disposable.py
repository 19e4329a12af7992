"""Whether the spec may bind the account's whole directory (control policies) and change who is
root on its instances is the backend's answer (`Account.disposable`), never a guess the world
makes from the backend's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.backends.fake import FakeBackend
from harness.backends.live import Identities, LiveBackend
from harness.config.settings import Settings
from harness.sdk.clients import AccessKey, Principal

POLICIES = Path(__file__).resolve().parents[2] / "features" / "policies"
ADMIN = Principal("the administrator", AccessKey("LTAI-example", "not-a-secret"))


def _settings(**given: str) -> Settings:
    return Settings(backend="live", region="cn-hangzhou", spec_policies=POLICIES, **given)  # type: ignore[arg-type]


def test_the_in_process_fake_is_disposable() -> None:
    backend = FakeBackend(_settings())
    try:
        assert backend.start().disposable is True
    finally:
        backend.stop()


@pytest.mark.parametrize(
    ("name", "given", "disposable"),
    [
        ("live", {}, False),
        ("record", {}, False),
        ("live", {"endpoint": "http://127.0.0.1:1"}, True),
        ("record", {"recorded_against": "the fake cloud server"}, True),
        ("replay", {}, True),
    ],
)
def test_a_real_account_is_not_disposable_a_stand_in_or_a_replay_is(
    name: str, given: dict[str, str], disposable: bool
) -> None:
    backend = LiveBackend(_settings(**given), Identities(None, ADMIN), prefix="runas-x", name=name)
    assert backend.start().disposable is disposable
