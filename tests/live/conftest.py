"""Fixtures for live, record and replay runs against a stand-in account: a fake cloud server
on a free loopback port, set up the way an administrator's account is before a live run."""

from __future__ import annotations

import pytest

from fakes.server import FakeServer
from harness.backends.standin import StandIn, holdings, prepare


@pytest.fixture
def account(server: FakeServer) -> StandIn:
    """The stand-in after the administrator's own setup: instances, the password parameter,
    and an administrator allowed to provision."""
    return prepare(server.url)


@pytest.fixture
def before(account: StandIn) -> dict[str, set[str]]:
    """What the account held before the run."""
    return holdings(account.state())
