"""Fixtures that tests in several folders share: the child runs too costly to make twice."""

from __future__ import annotations

import pytest

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
