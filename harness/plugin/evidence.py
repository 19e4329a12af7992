"""The evidence files: each scenario's record is built where it ran and rides on its teardown
report (pytest serializes a report's extra attributes, so xdist brings it to the controller),
and the controller alone writes the HTML report, the JSON bundle, and the evidence in JUnit XML
and Cucumber JSON, at the end of the session."""

from __future__ import annotations

from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from harness.errors import HarnessError
from harness.plugin import keys
from harness.plugin.fleet import GATHERER as FLEETS
from harness.report import cucumber, junit
from harness.report.bundle import Bundle, build_bundle, write_json
from harness.report.capture import Phases, Trace, capture
from harness.report.context import build_context
from harness.report.fleet import fleet_sections
from harness.report.html import write_html
from harness.report.model import ScenarioRecord, fix_of
from harness.report.validate import check

TRACE = pytest.StashKey[Trace]()
PHASES = pytest.StashKey[Phases]()
COLLECTOR = pytest.StashKey["Collector"]()
#: The attribute of a teardown report that carries its scenario's record.
ATTRIBUTE = "runas_scenario"


def record_of(report: pytest.TestReport) -> ScenarioRecord | None:
    found: ScenarioRecord | None = getattr(report, ATTRIBUTE, None)
    return found


# ---- where the scenario runs -------------------------------------------------------------


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    request.node.stash[TRACE] = Trace.of(feature, scenario)


def pytest_bdd_before_step(request: pytest.FixtureRequest) -> None:
    trace = request.node.stash.get(TRACE, None)
    if trace is not None:
        trace.begin()


def pytest_bdd_after_step(request: pytest.FixtureRequest) -> None:
    trace = request.node.stash.get(TRACE, None)
    if trace is not None:
        trace.end("passed")


def pytest_bdd_step_error(request: pytest.FixtureRequest) -> None:
    trace = request.node.stash.get(TRACE, None)
    if trace is not None:
        trace.end("failed")


def pytest_bdd_step_func_lookup_error(request: pytest.FixtureRequest) -> None:
    trace = request.node.stash.get(TRACE, None)
    if trace is not None:
        trace.end("undefined")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if not keys.is_scenario(item):
        return report
    phases = item.stash.setdefault(PHASES, Phases())
    phases.outcomes[report.when] = report.outcome
    phases.duration += report.duration
    if call.excinfo is not None and not report.passed:
        value = call.excinfo.value
        text = str(getattr(value, "msg", "") or value) if report.skipped else str(value)
        line = f"{call.excinfo.typename}: {text}" if report.failed else text
        phases.messages.append(line.strip().splitlines()[0][:2000] if line.strip() else line)
    trace = item.stash.get(TRACE, None)
    if report.when == "call" and trace is not None and "finding" in trace.tags:
        note = ("finding", fix_of(trace.description) or "documented in the spec")
        report.user_properties.append(note)
        item.user_properties.append(note)
    if report.when == "teardown":
        record = capture(
            nodeid=item.nodeid,
            example=_example(item),
            trace=trace,
            world=item.stash.get(keys.WORLD, None),
            phases=phases,
            assumptions=_assumptions(item),
            fallback_name=item.name,
        )
        setattr(report, ATTRIBUTE, record)
        present = {k for k, _ in report.user_properties}
        report.user_properties.extend(p for p in junit.properties(record) if p[0] not in present)
    return report


def _assumptions(item: pytest.Item) -> list[str]:
    """The ids of the scenario's `@assumption_<id>` tags, once each, A2 before A10."""
    tags = {m.name for m in item.iter_markers() if m.name.startswith("assumption_")}
    return sorted((t.removeprefix("assumption_") for t in tags), key=lambda a: (len(a), a))


def _example(item: pytest.Item) -> str:
    """The example row's id (`user01`), or "" for a scenario without examples."""
    callspec = getattr(item, "callspec", None)
    return str(callspec.id) if callspec is not None else ""


class Collector:
    """Gathers the records from the reports (a worker's, deserialized, on the controller) and,
    on the controller, writes the files asked for."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.records: list[ScenarioRecord] = []
        self.started = _now()
        self.written: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = record_of(report)
        if record is not None:
            self.records.append(record)

    @pytest.hookimpl(trylast=True)  # after junitxml and pytest-bdd have written their files
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        config = self.config
        if keys.is_xdist_worker(config):
            return
        settings = config.stash[keys.SETTINGS]
        here = config.invocation_params.dir
        wanted = {
            "html": settings.runas_report,
            "json": settings.runas_evidence,
            "junit": config.getoption("xmlpath", None),
            "cucumber": config.getoption("cucumber_json_path", None),
        }
        if not any(wanted.values()):
            return
        bundle = self.bundle()
        for kind, given in wanted.items():
            if given:
                path = here / Path(str(given)).expanduser()
                try:
                    self._write(kind, bundle, path)
                except (OSError, HarnessError) as e:
                    raise pytest.UsageError(
                        f"cannot write the {kind} evidence `{path}`: {e}"
                    ) from None
                self.written.append(f"{kind}: {path}")

    def bundle(self) -> Bundle:
        config = self.config
        settings = config.stash[keys.SETTINGS]
        mode, against = _mode(config)
        context = build_context(
            settings,
            self.records,
            mode=mode,
            against=against,
            started=self.started,
            finished=_now(),
        )
        bundle = build_bundle(self.records, context)
        fleets = config.stash.get(FLEETS, None)
        if fleets is not None and fleets.fleets:
            bundle["fleet"] = fleet_sections(fleets.fleets)
        return bundle

    def _write(self, kind: str, bundle: Bundle, path: Path) -> None:
        if kind == "html":
            write_html(bundle, path)
        elif kind == "json":
            check(bundle)
            write_json(bundle, path)
        elif kind == "junit" and path.exists():
            junit.enrich(path, bundle["scenarios"])
        elif kind == "cucumber":
            cucumber.write(path, bundle["scenarios"])


def _mode(config: pytest.Config) -> tuple[str, str]:
    """How the run reached its account, and what that account is."""
    settings = config.stash[keys.SETTINGS]
    if settings.backend == "fake":
        if settings.fake_endpoint:
            return "fake cloud server", f"the fake cloud server at {settings.fake_endpoint}"
        return "in-process fake", "the in-process fake cloud"
    if settings.backend == "replay":
        mode, against = config.stash.get(keys.REPLAY, ("provision", "?"))
        return f"replay of a {mode}-mode recording", against
    run = config.stash.get(keys.LIVE, None)
    if run is None:
        return "not started", "no account"
    return f"{run.mode} mode", run.against


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[COLLECTOR] = collector = Collector(config)
    config.pluginmanager.register(collector, "runas-evidence")


def collector(config: pytest.Config) -> Collector | None:
    return config.stash.get(COLLECTOR, None)
