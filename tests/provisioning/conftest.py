"""Fixtures for the provisioning tests: the administrator's clients on an in-process fake
account, and a gateway that records evidence and never really waits."""

from __future__ import annotations

import pytest

from fakes import FakeCloud
from harness.sdk.clients import AccessKey, Clients, Principal
from harness.sdk.evidence import Evidence
from harness.sdk.gateway import Gateway

REGION = "cn-hangzhou"


@pytest.fixture
def owner(fake_cloud: FakeCloud) -> Principal:
    """The account owner, standing in for the administrator (RAM does not apply to it)."""
    key_id, secret = fake_cloud.root_access_key
    return Principal("the administrator", AccessKey(key_id, secret))


@pytest.fixture
def clients(owner: Principal) -> Clients:
    return Clients.of(owner, REGION, None)


@pytest.fixture
def gateway() -> Gateway:
    return Gateway(Evidence())
