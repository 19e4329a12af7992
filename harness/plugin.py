"""The harness's pytest plugin: options, settings, the per-scenario `world`, and the report.

Failures of the spec (`SpecViolation`) and of the set-up (`HarnessError`) are shown as one line
plus the scenario's API calls, not as a Python traceback.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest

from fakes.assumptions import ASSUMPTIONS
from harness import settings as settings_module
from harness.api import Refusal
from harness.backends import open_backend
from harness.errors import HarnessError, SpecViolation
from harness.settings import Settings
from harness.world import World

SETTINGS_KEY = pytest.StashKey[Settings]()
WORLD_KEY = pytest.StashKey[World]()
RESTS_ON_KEY = pytest.StashKey[dict[str, list[str]]]()  # assumption id -> outcomes
_ONE_LINERS = (HarnessError, SpecViolation, Refusal)


def pytest_addoption(parser: pytest.Parser) -> None:
    settings_module.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[SETTINGS_KEY] = settings_module.from_config(config)
    config.stash[RESTS_ON_KEY] = {}
    for assumption in ASSUMPTIONS.values():
        config.addinivalue_line(
            "markers", f"assumption_{assumption.id}: rests on {assumption.statement}"
        )


def pytest_report_header(config: pytest.Config) -> str:
    chosen = config.stash[SETTINGS_KEY]
    return f"run-as harness: backend {chosen.backend}, region {chosen.region}"


@pytest.fixture(scope="session")
def runas_settings(request: pytest.FixtureRequest) -> Settings:
    return request.config.stash[SETTINGS_KEY]


@pytest.fixture
def world(request: pytest.FixtureRequest, runas_settings: Settings) -> Iterator[World]:
    """One scenario's state on a started backend; everything it created is removed after."""
    backend = open_backend(runas_settings)
    backend.start()
    state = World(settings=runas_settings, backend=backend)
    request.node.stash[WORLD_KEY] = state
    try:
        yield state
    finally:
        problems = state.ledger.unwind()
        backend.stop()
        if problems:
            raise HarnessError("; ".join(problems))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" or (report.when == "setup" and not report.passed):
        outcomes = item.config.stash[RESTS_ON_KEY]
        for marker in item.iter_markers():
            if marker.name.startswith("assumption_"):
                outcomes.setdefault(marker.name.removeprefix("assumption_"), []).append(
                    report.outcome
                )
    state = item.stash.get(WORLD_KEY, None)
    if state is not None and state.evidence.records and report.when == "call":
        report.sections.append(("Cloud API calls", state.evidence.text()))
    if call.excinfo is not None and call.excinfo.errisinstance(_ONE_LINERS):
        report.longrepr = f"{call.excinfo.typename}: {call.excinfo.value}"
    return report


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Which modelled assumptions the scenarios rested on, and whether this backend can tell."""
    outcomes = config.stash.get(RESTS_ON_KEY, {})
    if not outcomes:
        return
    backend = config.stash[SETTINGS_KEY].backend
    verdict = "modelled by the fake, not confirmed" if backend == "fake" else "checked"
    terminalreporter.section("assumptions the spec rests on")
    for key in sorted(outcomes, key=lambda k: (len(k), k)):
        results = outcomes[key]
        passed = results.count("passed")
        statement = ASSUMPTIONS[key].statement if key in ASSUMPTIONS else "unknown assumption"
        terminalreporter.write_line(
            f"{key}: {verdict}: {passed}/{len(results)} scenarios passed: {statement}"
        )
