"""The harness's pytest plugin: options, settings, the per-scenario `world`, and the report.

Failures of the spec (`SpecViolation`) and of the set-up (`HarnessError`) are shown as one line
plus the scenario's API calls, not as a Python traceback. A scenario that passed while resting on
setup the harness could not check (verify mode) is reported as `assumed`, never as passed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

from fakes.assumptions import ASSUMPTIONS
from harness import credentials, recording
from harness import settings as settings_module
from harness.api import Refusal
from harness.backends import Backend, open_backend
from harness.cleanup import Remover
from harness.clients import sts_client
from harness.errors import HarnessError, SpecViolation
from harness.live import missing_settings
from harness.scrub import keep_secrets_out_of_logs
from harness.session import LiveRun
from harness.settings import Settings
from harness.verify import check_applicable
from harness.world import World

SETTINGS_KEY = pytest.StashKey[Settings]()
REPLAY_KEY = pytest.StashKey[tuple[str, str]]()  # recorded mode, recorded against
LIVE_KEY = pytest.StashKey[LiveRun]()
WORLD_KEY = pytest.StashKey[World]()
FEATURE_KEY = pytest.StashKey[str]()
ACTED_KEY = pytest.StashKey[bool]()
RESTS_ON_KEY = pytest.StashKey[dict[str, list[str]]]()  # assumption id -> outcomes
ASSUMED_KEY = pytest.StashKey[list[tuple[str, list[str]]]]()  # (nodeid, what was assumed)
_ONE_LINERS = (HarnessError, SpecViolation, Refusal)
ASSUMED_SECTION = "Assumed, not checked"


def pytest_addoption(parser: pytest.Parser) -> None:
    settings_module.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    keep_secrets_out_of_logs()
    chosen = settings_module.from_config(config)
    if chosen.backend == "replay":
        chosen, config.stash[REPLAY_KEY] = recording.replay_settings(chosen)
    config.stash[SETTINGS_KEY] = chosen
    config.stash[RESTS_ON_KEY] = {}
    config.addinivalue_line(
        "markers", "runas_scenario: a scenario of the spec (set by its binding module)"
    )
    config.stash[ASSUMED_KEY] = []
    for assumption in ASSUMPTIONS.values():
        config.addinivalue_line(
            "markers", f"assumption_{assumption.id}: rests on {assumption.statement}"
        )


def pytest_report_header(config: pytest.Config) -> str:
    chosen = config.stash[SETTINGS_KEY]
    header = f"run-as harness: backend {chosen.backend}, region {chosen.region}"
    if chosen.backend in ("live", "record"):
        mode = "provision" if credentials.administrator(chosen) else "verify"
        header += (
            f", {mode} mode, endpoint {chosen.endpoint or 'Alibaba Cloud'}; proving commandUser "
            f"runs as {', '.join(chosen.run_as_users)} and is refused "
            f"{', '.join(chosen.refused_users)}"
        )
    if chosen.backend == "replay":
        mode, against = config.stash[REPLAY_KEY]
        header += f", {mode} mode, cassettes recorded against {against}"
    return header


def pytest_collection_finish(session: pytest.Session) -> None:
    """A live run checks its settings and credentials here, after selection and before any
    call: everything missing is named in one message."""
    config = session.config
    chosen = config.stash[SETTINGS_KEY]
    if chosen.backend == "fake":
        return
    scenarios = [item for item in session.items if _is_scenario(item)]
    if not scenarios:
        return
    if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
        raise pytest.UsageError(
            f"backend `{chosen.backend}` runs every scenario on the same instances, and "
            "parallel workers would see each other's commands: drop -n"
        )
    if chosen.backend != "replay":
        oses = {
            label
            for item in scenarios
            for label in ("Linux", "Windows")
            if item.get_closest_marker(label.lower())
        }
        missing = missing_settings(chosen, oses)
        if missing:
            raise pytest.UsageError(
                f"backend `{chosen.backend}` cannot start, {len(missing)} setting(s) missing: "
                + "; ".join(f"({n}) {m}" for n, m in enumerate(missing, 1))
            )
    config.stash[LIVE_KEY] = LiveRun.start(
        chosen,
        ledger_dir=_ledger_dir(config),
        progress=_progress(config),
        replay_mode=config.stash.get(REPLAY_KEY, ("provision", ""))[0],
    )


def _is_scenario(item: pytest.Item) -> bool:
    """Whether this test is a scenario of the spec: its binding module marks it so
    (`pytestmark = pytest.mark.runas_scenario` beside `scenarios(...)`)."""
    return item.get_closest_marker("runas_scenario") is not None


def _ledger_dir(config: pytest.Config) -> Path:
    cache = getattr(config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir("runas-ledger"))
    return config.rootpath / ".pytest_cache" / "d" / "runas-ledger"


def _progress(config: pytest.Config) -> Callable[[str], None] | None:
    """One line on the terminal per poll, shown even while output is captured."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return None

    def show(line: str) -> None:
        quiet = capture.global_and_fixture_disabled() if capture is not None else nullcontext()
        with quiet:
            reporter.write_line(f"    ... {line}")

    return show


@pytest.fixture(scope="session")
def runas_settings(request: pytest.FixtureRequest) -> Settings:
    return request.config.stash[SETTINGS_KEY]


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    request.node.stash[FEATURE_KEY] = str(feature.rel_filename)


def pytest_bdd_before_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
) -> None:
    """Before the first action of a verify-mode scenario: does it apply to this account?"""
    node = request.node
    state = node.stash.get(WORLD_KEY, None)
    if step.type != "when" or state is None or node.stash.get(ACTED_KEY, False):
        return
    node.stash[ACTED_KEY] = True
    if state.backend.verifies:
        check_applicable(state)


@pytest.fixture
def world(request: pytest.FixtureRequest, runas_settings: Settings) -> Iterator[World]:
    """One scenario's state on a started backend; everything it created is removed after,
    also when the scenario fails or the run is interrupted (the ledger file remembers)."""
    node = request.node
    run = request.config.stash.get(LIVE_KEY, None)
    if run is None:
        scenario: Any = nullcontext((open_backend(runas_settings), None))
    else:
        scenario = run.scenario(node.stash.get(FEATURE_KEY, node.nodeid), node.name)
    with scenario as (backend, scrubber):
        state = _start(node, runas_settings, backend, run)
        try:
            if scrubber is not None:
                _introduce_account(state)
            yield state
        finally:
            problems = state.ledger.unwind()
            backend.stop()
            if problems:
                raise HarnessError("; ".join(problems))


def _start(node: pytest.Item, settings: Settings, backend: Backend, run: LiveRun | None) -> World:
    backend.start()
    state = World(settings=settings, backend=backend)
    state.ledger.scenario = node.nodeid
    state.ledger.file = run.ledger if run is not None else None
    state.ledger.remove = Remover(state.gateway, state.clients)
    backend.bind(state)
    node.stash[WORLD_KEY] = state
    return state


def _introduce_account(state: World) -> None:
    """Recording: the first call names the account, so its id is scrubbed from every answer."""
    observer = state.backend.observer
    client = sts_client(observer, state.settings.region, state.backend.endpoint)
    state.gateway.call(observer.name, "GetCallerIdentity", {}, client.get_caller_identity)


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
    if state is not None and report.when == "call":
        if state.evidence.records:
            report.sections.append(("Cloud API calls", state.evidence.text()))
        if state.assumed:
            report.sections.append((ASSUMED_SECTION, "\n".join(state.assumed)))
            assumed = ("assumed", "; ".join(state.assumed))
            report.user_properties.append(assumed)
            item.user_properties.append(assumed)  # the teardown report carries it to junitxml
            if report.passed:
                item.config.stash[ASSUMED_KEY].append((item.nodeid, list(state.assumed)))
    if call.excinfo is not None and call.excinfo.errisinstance(_ONE_LINERS):
        report.longrepr = f"{call.excinfo.typename}: {call.excinfo.value}"
    return report


def pytest_report_teststatus(
    report: pytest.TestReport, config: pytest.Config
) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
    """A passed scenario that rests on unchecked setup counts as `assumed`, not `passed`."""
    if (
        report.when == "call"
        and report.passed
        and any(k == "assumed" for k, _ in report.user_properties)
    ):
        return "assumed", "A", ("ASSUMED", {"yellow": True})
    return None


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """What the passes rested on: unchecked setup (verify mode) and the modelled assumptions."""
    assumed = config.stash.get(ASSUMED_KEY, [])
    if assumed:
        terminalreporter.section("assumed, not passed")
        for nodeid, what in assumed:
            terminalreporter.write_line(f"{nodeid}: {'; '.join(what)}")
        terminalreporter.write_line(
            f"assumed, not passed: {len(assumed)} scenario(s) held, resting on setup the harness "
            "could not check with commandUser's credentials"
        )
    outcomes = config.stash.get(RESTS_ON_KEY, {})
    if not outcomes:
        return
    backend = config.stash[SETTINGS_KEY].backend
    live = config.stash.get(LIVE_KEY, None)
    verdict = {
        "fake": "modelled by the fake, not confirmed",
        "replay": f"as recorded against {config.stash.get(REPLAY_KEY, ('', '?'))[1]}",
    }.get(backend, f"checked against {live.against if live is not None else 'the cloud'}")
    terminalreporter.section("assumptions the spec rests on")
    for key in sorted(outcomes, key=lambda k: (len(k), k)):
        results = outcomes[key]
        ran = [r for r in results if r != "skipped"]
        skipped = f", {len(results) - len(ran)} skipped" if len(ran) < len(results) else ""
        statement = ASSUMPTIONS[key].statement if key in ASSUMPTIONS else "unknown assumption"
        terminalreporter.write_line(
            f"{key}: {verdict}: {ran.count('passed')}/{len(ran)} scenarios passed{skipped}: "
            f"{statement}"
        )


@pytest.hookimpl(trylast=True)  # after an interrupted scenario's teardown has unwound it
def pytest_sessionfinish(session: pytest.Session) -> None:
    run = session.config.stash.get(LIVE_KEY, None)
    if run is not None:
        run.finish()
