"""Fixtures that tests in several folders share: a fake cloud server, and the child runs too
costly to make twice."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from fakes import serve
from fakes.server import FakeServer
from harness.backends.standin import isolated_env
from tests.report._support import Written, run_with_reports


@pytest.fixture(scope="session")
def committed_replay(tmp_path_factory: pytest.TempPathFactory) -> Written:
    """The whole spec replayed from the committed cassettes (features/cassettes) in a child
    pytest, offline, with no settings and no credentials, writing all four evidence files.
    tests/live/test_committed_cassettes.py reads its outcome, tests/report/test_full_spec.py
    its evidence: one replay serves both."""
    tmp = tmp_path_factory.mktemp("committed-replay")
    return run_with_reports(tmp, "features", "--backend", "replay", env=isolated_env(tmp))


@pytest.fixture
def server() -> Iterator[FakeServer]:
    """A fake cloud server on a free loopback port (a new account), stopped after the test;
    werkzeug's request log kept quiet."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with serve("127.0.0.1", 0) as running:
        yield running
