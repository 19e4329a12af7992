"""EXPOSED is what the scenario's outcome says (a run the spec expects refused was let
through), never what a failure's message happens to read."""

from __future__ import annotations

from harness.report.capture import Phases
from harness.world import Outcome

MESSAGE = "SpecViolation: the account is exposed: RAM accepted the request to run as `root`"


def test_a_failure_reading_exposed_is_a_failure_without_an_exposure() -> None:
    phases = Phases(outcomes={"call": "failed"}, messages=[MESSAGE])
    assert phases.verdict(finding=False, assumed=False) == "failed"


def test_a_failure_with_an_exposure_in_its_outcome_is_exposed_whatever_its_wording() -> None:
    outcome = Outcome()
    violation = outcome.expose("RAM accepted the request to run as `root`")
    assert str(violation) == MESSAGE.removeprefix("SpecViolation: ")
    phases = Phases(outcomes={"call": "failed"}, messages=["HarnessError: something else"])
    assert phases.verdict(finding=False, assumed=False, exposed=bool(outcome.exposed)) == "exposed"


def test_an_exposure_in_a_passed_scenario_is_not_exposed() -> None:
    phases = Phases(outcomes={"call": "passed"})
    assert phases.verdict(finding=True, assumed=False, exposed=True) == "finding"
