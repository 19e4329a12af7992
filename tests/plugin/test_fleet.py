"""The fleet in a pytest run of a reviewer's own project: the feature with a small generated
fleet, the verdicts written with --fleet-json, the drift against --baseline named, a broken
fleet failing as EXPOSED with the instances named, and bad options refused in one line."""

from __future__ import annotations

import fnmatch
import json
import textwrap

import pytest

from ._support import CONFTEST, INI, one_line, run

pytest_plugins = ["pytester"]

BINDING = """
import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.runas_scenario
scenarios("fleet")
"""
GIVEN = (
    'Given the Linux instances tagged "env=prod", each with the regular users "user01" and '
    '"user02" (the fake generates 12)'
)
FEATURE = """
Feature: every instance tagged env=prod refuses root
  Background:
    {given}
    And the RAM user "commandUser" with the policies {policies}

  Scenario: every instance tagged env=prod refuses root
    When commandUser verifies every instance tagged "env=prod"
    Then on every instance each user that must be refused was refused
    And on every instance each approved user ran as itself
    And on no instance can an approved user become root
    And no instance of the fleet was left out
"""
GUIDE = '"commandUserPolicy.allowlist" and "AliyunECSReadOnlyAccess"'


def _project(pytester: pytest.Pytester, policies: str = GUIDE) -> None:
    pytester.makeini(INI)
    pytester.makeconftest(CONFTEST.replace("]", ", 'steps.fleet']"))
    fleet = pytester.mkdir("features").joinpath("fleet")
    fleet.mkdir()
    (fleet / "test_fleet.py").write_text(textwrap.dedent(BINDING))
    (fleet / "every.feature").write_text(
        textwrap.dedent(FEATURE).format(given=GIVEN, policies=policies)
    )


def test_the_verdicts_are_written_and_the_drift_is_named(pytester: pytest.Pytester) -> None:
    _project(pytester)
    baseline = pytester.path / "before.json"
    baseline.write_text(
        json.dumps(
            {
                "format": "runas-fleet/1",
                "instances": [{"instance_id": "i-gone", "verdict": "verified"}],
            }
        )
    )
    out = pytester.path / "fleet.json"
    result = run(pytester, "--fleet-json=fleet.json", "--baseline=before.json")
    result.assert_outcomes(passed=1)
    written = json.loads(out.read_text())
    assert written["summary"]["verified"] == 12
    assert len(written["instances"]) == 12
    result.stdout.fnmatch_lines(
        [
            "*fleet {'env': 'prod'}: exposed 0, *verified 12 of 12",
            "drift: i-gone: verified -> not in this run",
        ]
    )
    assert result.stdout.str().count("drift: i-") == 13  # the 12 new ones and the gone one


def test_a_fleet_that_lets_root_in_fails_as_exposed(pytester: pytest.Pytester) -> None:
    _project(pytester, '"AliyunECSFullAccess"')
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*SpecViolation: the account is exposed: 12 instance(s) let a name that must be "
            "refused run: i-*root RAM accepted `root`*",
            "FAILED (EXPOSED) *",
        ]
    )
    one_line(result)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--max-concurrency", "0"], "--max-concurrency `0` is not a number from 1 to 64"),
        (["--fleet-deadline", "soon"], "--fleet-deadline `soon` is not a number"),
        (["--baseline=missing.json"], "--baseline: cannot read the baseline"),
        (["--fleet-json=features"], "cannot write --fleet-json `*/features`: `*` is a folder"),
    ],
)
def test_a_bad_fleet_option_is_one_line(
    pytester: pytest.Pytester, args: list[str], says: str
) -> None:
    _project(pytester)
    result = run(pytester, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert fnmatch.fnmatch(result.stderr.str(), f"*{says}*")
    one_line(result)
