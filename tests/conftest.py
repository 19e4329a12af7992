"""Fixtures that tests in several folders share: a fake cloud server, and the child runs too
costly to make twice."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import requests

from fakes import serve
from fakes.server import FakeServer
from harness.backends.standin import GUIDE_POLICIES, holdings, isolated_env, prepare
from tests._support import ROOT
from tests.report._support import (
    Provisioned,
    Served,
    Verified,
    Written,
    run_with_reports,
    spied,
)


@pytest.fixture(scope="session")
def committed_replay(tmp_path_factory: pytest.TempPathFactory) -> Written:
    """The whole spec replayed from the committed cassettes (features/cassettes) in a child
    pytest, offline, with no settings and no credentials, writing all four evidence files.
    tests/live/test_committed_cassettes.py reads its outcome, tests/report/test_full_spec.py
    its evidence: one replay serves both."""
    tmp = tmp_path_factory.mktemp("committed-replay")
    return run_with_reports(tmp, "features", "--backend", "replay", env=isolated_env(tmp))


@pytest.fixture(scope="session")
def spec_on_a_server(tmp_path_factory: pytest.TempPathFactory) -> Served:
    """The whole spec in a child pytest against a fake cloud server on a loopback port
    (`--fake-endpoint`, as CI runs it), with no outside settings or credentials, the guide's
    policies given as an administrator's folder (`--policies features/policies`: the spec's
    own documents, so nothing changes but the path they take), the canary spy writing down
    every AccessKey secret the run makes, and all four evidence files written.

    One run serves three tests, which check different things of the same run:
    tests/server/test_spec_against_server.py (the spec passes over HTTP, and the server holds
    what it made), tests/report/test_full_spec.py (the evidence on the fake is complete, and
    no secret is in it) and tests/test_spec_has_teeth.py (the baseline of its weakened runs:
    with the guide's policies given by `--policies`, the Linux spec passes). The in-process
    fake is the suite's own run of features/ and the child runs of the teeth tests and of
    tests/report's small spec."""
    tmp = tmp_path_factory.mktemp("spec-on-a-server")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with serve("127.0.0.1", 0) as running, requests.Session() as http:
        cloud = running.cloud
        roots = [cloud.root_access_key[1]]
        reset = cloud.reset

        def reset_and_note_the_new_root_key() -> None:  # each scenario's account has its own
            reset()
            roots.append(cloud.root_access_key[1])

        cloud.reset = reset_and_note_the_new_root_key  # type: ignore[method-assign]
        env = spied(tmp, isolated_env(tmp))
        policies = str(ROOT / "features" / "policies")
        written = run_with_reports(
            tmp, "features", "--fake-endpoint", running.url, "--policies", policies,
            "-p", "canary_spy", env=env,
        )  # fmt: skip
        http.trust_env = False  # a loopback server: no proxy from the environment
        state = http.get(f"{running.url}/_fake/state", timeout=5).json()
        return Served(written.run, written.folder, state, roots)


@pytest.fixture(scope="session")
def live_run(tmp_path_factory: pytest.TempPathFactory) -> Provisioned:
    """Provision mode: the whole spec in a child pytest, live against a stand-in account (a
    fake cloud server set up as an administrator's account is before a live run), with the
    canary spy writing down every AccessKey secret the run makes, all four evidence files
    written, its ledger in the run's folder (`cache/`), and what the account held before and
    after. tests/report/test_full_spec.py reads its evidence, tests/live/test_provision.py its
    Windows half and what it left: one run serves both."""
    tmp = tmp_path_factory.mktemp("live-run")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with serve("127.0.0.1", 0) as running:
        stand_in = prepare(running.url)
        before = holdings(stand_in.state())
        env = spied(tmp, stand_in.environment(tmp))
        args = ("features", "--backend", "live", "-p", "canary_spy")
        written = run_with_reports(tmp, *args, env=env)
        after = holdings(stand_in.state())
        return Provisioned(written.run, written.folder, stand_in, before, after)


@pytest.fixture(scope="session")
def verify_run(tmp_path_factory: pytest.TempPathFactory) -> Verified:
    """Verify mode: the whole spec in a child pytest, live against a stand-in account set up
    as the guide says (allow-list form, Linux and Windows) with no administrator, so with
    commandUser's keys only; `-rs`, and all four evidence files written.
    tests/live/test_verify.py reads its outcome and what the account held before and after,
    tests/report/test_full_spec.py its evidence: one run serves both."""
    tmp = tmp_path_factory.mktemp("verify-run")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with serve("127.0.0.1", 0) as running:
        account = prepare(running.url, administrator=False, command_user=GUIDE_POLICIES)
        before = holdings(account.state())
        env = account.environment(tmp)
        written = run_with_reports(tmp, "features", "--backend", "live", "-rs", env=env)
        return Verified(written.run, written.folder, before, holdings(account.state()))


@pytest.fixture
def server() -> Iterator[FakeServer]:
    """A fake cloud server on a free loopback port (a new account), stopped after the test;
    werkzeug's request log kept quiet."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with serve("127.0.0.1", 0) as running:
        yield running
