"""What the report shows: a scenario's API calls and what it rested on, one line for the
harness's own failures, `assumed` instead of `passed` for unchecked setup, and the assumption
summary at the end."""

from __future__ import annotations

from collections.abc import Generator

import pytest

from fakes.assumptions import ASSUMPTIONS
from harness.errors import HarnessError, SpecViolation
from harness.plugin import keys
from harness.sdk.gateway import Refusal

_ONE_LINERS = (HarnessError, SpecViolation, Refusal)
ASSUMED_SECTION = "Assumed, not checked"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" or (report.when == "setup" and not report.passed):
        outcomes = item.config.stash[keys.RESTS_ON]
        for marker in item.iter_markers():
            if marker.name.startswith("assumption_"):
                outcomes.setdefault(marker.name.removeprefix("assumption_"), []).append(
                    report.outcome
                )
    state = item.stash.get(keys.WORLD, None)
    if state is not None and report.when == "call":
        if state.evidence.records:
            report.sections.append(("Cloud API calls", state.evidence.text()))
        assumed = state.outcome.assumed
        if assumed:
            report.sections.append((ASSUMED_SECTION, "\n".join(assumed)))
            note = ("assumed", "; ".join(assumed))
            report.user_properties.append(note)
            item.user_properties.append(note)  # the teardown report carries it to junitxml
            if report.passed:
                item.config.stash[keys.ASSUMED].append((item.nodeid, list(assumed)))
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
    assumed = config.stash.get(keys.ASSUMED, [])
    if assumed:
        terminalreporter.section("assumed, not passed")
        for nodeid, what in assumed:
            terminalreporter.write_line(f"{nodeid}: {'; '.join(what)}")
        terminalreporter.write_line(
            f"assumed, not passed: {len(assumed)} scenario(s) held, resting on setup the harness "
            "could not check with commandUser's credentials"
        )
    outcomes = config.stash.get(keys.RESTS_ON, {})
    if not outcomes:
        return
    backend = config.stash[keys.SETTINGS].backend
    live = config.stash.get(keys.LIVE, None)
    verdict = {
        "fake": "modelled by the fake, not confirmed",
        "replay": f"as recorded against {config.stash.get(keys.REPLAY, ('', '?'))[1]}",
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
