"""The reviewer's evidence: one model of the run (scenarios, their API calls and refusals, the
run-as matrix, the assumption ledger, the run's context), written as a self-contained HTML
report, a JSON bundle with a published schema, and enrichment of JUnit and Cucumber JSON.

Scenario records are plain JSON data, built where the scenario ran (an xdist worker too) and
carried to the controller on the test report; everything else is derived there."""

from __future__ import annotations

from harness.report.bundle import build_bundle
from harness.report.model import ScenarioRecord

__all__ = ["ScenarioRecord", "build_bundle"]
