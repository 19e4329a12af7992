"""What the terminal shows: a scenario's API calls and what it rested on, one line for the
harness's own failures, `assumed` instead of `passed` for unchecked setup, FINDING for a
scenario that documents a weakness and FAILED (EXPOSED) for an account that let a run through,
and at the end the findings with their fixes and the assumption summary. The summaries are
built from the scenario records the controller gathers (harness/plugin/evidence.py), so they
are complete under xdist too."""

from __future__ import annotations

from collections.abc import Generator

import pytest

from fakes.assumptions import ASSUMPTIONS
from harness.errors import HarnessError, SpecViolation
from harness.plugin import keys
from harness.plugin.evidence import collector
from harness.report.model import ScenarioRecord
from harness.sdk.gateway import Refusal

_ONE_LINERS = (HarnessError, SpecViolation, Refusal)
ASSUMED_SECTION = "Assumed, not checked"
HELD = ("passed", "assumed", "finding")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
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
        if report.failed and state.outcome.exposed:  # on data, not on the failure's wording
            report.user_properties.append(("exposed", "; ".join(state.outcome.exposed)))
    if call.excinfo is not None and call.excinfo.errisinstance(_ONE_LINERS):
        report.longrepr = f"{call.excinfo.typename}: {call.excinfo.value}"
    return report


def pytest_report_teststatus(
    report: pytest.TestReport, config: pytest.Config
) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
    """A passed scenario that rests on unchecked setup counts as `assumed`, not `passed`; one
    that documents a weakness reads FINDING, and an exposed account FAILED (EXPOSED)."""
    if report.when != "call":
        return None
    names = {k for k, _ in report.user_properties}
    if report.passed and "finding" in names:  # the weakness was seen: it stands, assumed or not
        return "finding", "!", ("FINDING", {"purple": True, "bold": True})
    if report.passed and "assumed" in names:
        return "assumed", "A", ("ASSUMED", {"yellow": True})
    if report.failed and "exposed" in names:
        # still a failure by name too: tools and people read `FAILED` lines
        return "failed", "F", ("FAILED (EXPOSED)", {"red": True, "bold": True})
    return None


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """The findings, what the passes rested on (unchecked setup, modelled assumptions), and
    where the evidence was written."""
    gathered = collector(config)
    if gathered is None or keys.is_xdist_worker(config):
        return
    records = gathered.records
    _findings(terminalreporter, records)
    _assumed(terminalreporter, records)
    _assumptions(terminalreporter, config, records)
    for line in gathered.written:
        terminalreporter.write_line(f"run-as evidence written: {line}")


def _findings(reporter: pytest.TerminalReporter, records: list[ScenarioRecord]) -> None:
    found = [r for r in records if r["verdict"] in ("finding", "exposed")]
    if not found:
        return
    reporter.section("findings", purple=True, bold=True)
    for record in found:
        word = "FINDING" if record["verdict"] == "finding" else "EXPOSED"
        reporter.write_line(f"{word} {record['nodeid']}: {record['name']}")
        if record["verdict"] == "exposed":
            reporter.write_line(f"    {record['message']}")
        fix = record["fix"] or "the spec gives none: review the policies commandUser has"
        reporter.write_line(f"    Fix: {fix}")
    reporter.write_line(
        f"findings: {len(found)} scenario(s) show a weakness; they are not passed promises"
    )


def _assumed(reporter: pytest.TerminalReporter, records: list[ScenarioRecord]) -> None:
    assumed = [r for r in records if r["verdict"] == "assumed"]
    if not assumed:
        return
    reporter.section("assumed, not passed")
    for record in assumed:
        reporter.write_line(f"{record['nodeid']}: {'; '.join(record['assumed'])}")
    reporter.write_line(
        f"assumed, not passed: {len(assumed)} scenario(s) held, resting on setup the harness "
        "could not check with commandUser's credentials"
    )


def _assumptions(
    reporter: pytest.TerminalReporter, config: pytest.Config, records: list[ScenarioRecord]
) -> None:
    resting = {key for r in records for key in r["assumptions"]}
    if not resting:
        return
    backend = config.stash[keys.SETTINGS].backend
    live = config.stash.get(keys.LIVE, None)
    verdict = {
        "fake": "modelled by the fake, not confirmed",
        "replay": f"as recorded against {config.stash.get(keys.REPLAY, ('', '?'))[1]}",
    }.get(backend, f"checked against {live.against if live is not None else 'the cloud'}")
    reporter.section("assumptions the spec rests on")
    for key in sorted(resting, key=lambda k: (len(k), k)):
        results = [r["verdict"] for r in records if key in r["assumptions"]]
        ran = [v for v in results if v != "skipped"]
        skipped = f", {len(results) - len(ran)} skipped" if len(ran) < len(results) else ""
        statement = ASSUMPTIONS[key].statement if key in ASSUMPTIONS else "unknown assumption"
        held = sum(v in HELD for v in ran)
        reporter.write_line(
            f"{key}: {verdict}: {held}/{len(ran)} scenarios passed{skipped}: {statement}"
        )
