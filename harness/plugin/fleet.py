"""The fleet scenarios in a pytest run: their options (`--max-concurrency`, `--fleet-deadline`,
`--fleet-json`, `--baseline`, each with an environment twin), each fleet scenario's verdicts as
a report section, and at the end each fleet's summary, its drift since the baseline, and the
verdicts as JSON. A scenario's result rides on its teardown report, so `pytest -n` brings it
to the controller, which alone writes."""

from __future__ import annotations

import json
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from harness.errors import HarnessError
from harness.files import unwritable, write_whole
from harness.fleet.scene import FleetOptions
from harness.fleet.verdicts import VERDICTS, FleetResult, drift, read_baseline

#: Where a fleet step keeps its scenario's result.
FLEET_RESULT = pytest.StashKey[FleetResult]()
OPTIONS = pytest.StashKey[FleetOptions]()
GATHERER = pytest.StashKey["FleetGatherer"]()
#: The attribute of a teardown report that carries its scenario's fleet result (JSON data).
ATTRIBUTE = "runas_fleet"
#: flag -> (environment twin, default, help)
FLAGS = {
    "--max-concurrency": (
        "RUNAS_MAX_CONCURRENCY",
        "8",
        "fleet: API calls in flight at once (the in-process fake, record and replay: one)",
    ),
    "--fleet-deadline": ("RUNAS_FLEET_DEADLINE", "1800", "fleet: seconds a fleet check may take"),
    "--fleet-json": ("RUNAS_FLEET_JSON", "", "fleet: write every instance's verdict here"),
    "--baseline": ("RUNAS_BASELINE", "", "fleet: an earlier --fleet-json, to name what changed"),
}


def _dest(flag: str) -> str:
    return "runas_" + flag.removeprefix("--").replace("-", "_")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("runas-fleet", "run-as harness: fleet")
    for flag, (env, default, text) in FLAGS.items():
        shown = f" (default {default})" if default else ""
        group.addoption(flag, dest=_dest(flag), default=None, help=f"{text}{shown} [env {env}]")


def given(config: pytest.Config, flag: str) -> str:
    """The option's value: command line, then environment, then default."""
    env, default, _ = FLAGS[flag]
    value = config.getoption(_dest(flag))
    return str(value if value is not None else os.environ.get(env) or default)


def _number(config: pytest.Config, flag: str, low: float, high: float) -> float:
    text = given(config, flag)
    try:
        value = float(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        env = FLAGS[flag][0]
        raise pytest.UsageError(
            f"{flag} `{text}` is not a number from {low:g} to {high:g} ({flag} or {env})"
        )
    return value


def pytest_configure(config: pytest.Config) -> None:
    config.stash[OPTIONS] = FleetOptions(
        max_concurrency=int(_number(config, "--max-concurrency", 1, 64)),
        deadline=_number(config, "--fleet-deadline", 1, 86400),
    )
    baseline: dict[str, str] | None = None
    if given(config, "--baseline"):
        try:  # a bad baseline is said before anything runs
            baseline = read_baseline(Path(given(config, "--baseline")))
        except HarnessError as e:
            raise pytest.UsageError(f"--baseline: {e}") from None
    if given(config, "--fleet-json"):  # said before anything runs, not lost at the end
        asked = config.invocation_params.dir / Path(given(config, "--fleet-json")).expanduser()
        problem = unwritable(asked)
        if problem:
            raise pytest.UsageError(f"cannot write --fleet-json `{asked}`: {problem}")
    config.stash[GATHERER] = gatherer = FleetGatherer(config, baseline)
    config.pluginmanager.register(gatherer, "runas-fleet")


@pytest.fixture
def fleet_options(request: pytest.FixtureRequest) -> FleetOptions:
    """How hard the fleet steps push: --max-concurrency and --fleet-deadline."""
    return request.config.stash[OPTIONS]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    result = item.stash.get(FLEET_RESULT, None)
    if result is None:
        return report
    if report.when == "call":
        report.sections.append(("Fleet verdicts", section(result)))
    if report.when == "teardown":
        setattr(report, ATTRIBUTE, result.as_json())
    return report


def section(result: FleetResult) -> str:
    """The fleet's counts, then one line per instance that is not verified."""
    summary = result.summary()
    lines = [", ".join(f"{v} {summary[v]}" for v in VERDICTS) + f" of {summary['total']}"]
    lines += [
        f"{i.verdict.upper()} {i.instance_id}: {i.detail}"
        for i in result.instances
        if i.verdict != "verified"
    ]
    return "\n".join(lines)


class FleetGatherer:
    """Gathers the fleet results from the reports (a worker's too) and, on the controller,
    shows and writes them."""

    def __init__(self, config: pytest.Config, baseline: dict[str, str] | None) -> None:
        self.config = config
        self.baseline = baseline
        self.fleets: list[dict[str, Any]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        found = getattr(report, ATTRIBUTE, None)
        if isinstance(found, dict):
            self.fleets.append(found)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if hasattr(self.config, "workerinput") or not self.fleets:
            return
        terminalreporter.section("fleet")
        for fleet in self.fleets:
            summary = fleet["summary"]
            counts = ", ".join(f"{v} {summary[v]}" for v in VERDICTS)
            terminalreporter.write_line(
                f"fleet {fleet['selection']['tags']}: {counts} of {summary['total']}"
            )
            if self.baseline is not None:
                now = {str(r["instance_id"]): str(r["verdict"]) for r in fleet["instances"]}
                changes = drift(self.baseline, now)
                fleet["drift"] = [vars(c) for c in changes]
                for change in changes:
                    terminalreporter.write_line(f"drift: {change.line()}")
                if not changes:
                    terminalreporter.write_line(
                        "drift: no instance's verdict changed since the baseline"
                    )
        target = given(self.config, "--fleet-json")
        if target:
            path = self.config.invocation_params.dir / Path(target).expanduser()
            fleets = self.fleets
            document = (
                fleets[0] if len(fleets) == 1 else {"format": "runas-fleets/1", "fleets": fleets}
            )
            try:
                write_whole(path, json.dumps(document, indent=2) + "\n")
            except OSError as e:
                raise pytest.UsageError(
                    f"cannot write --fleet-json `{path}` ({e.strerror})"
                ) from None
            terminalreporter.write_line(f"fleet verdicts written: {path}")
