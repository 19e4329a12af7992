"""One small spec, run once serially and once under xdist, each writing all four evidence
files; the tests read them (session-scoped, and the tests that read them in one xdist group,
`SMALL_SPEC`: the runs are the expensive part, made once for test_small_spec.py and
test_browser.py alike)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._support import SPY, small_spec

from ._support import Written, run_with_reports

ALLOW = '"commandUserPolicy.allowlist" and "AliyunECSReadOnlyAccess"'
FULL = '"commandUserPolicy.denylist" and "AliyunECSFullAccess"'
FEATURE = f"""
@linux
Feature: a small spec for the evidence
  Background:
    Given a Linux instance with the regular users "user01" and "user02"

  Scenario: an approved user runs
    Given the RAM user "commandUser" with the policies {ALLOW}
    When commandUser runs "whoami" on the Linux instance as "user01"
    Then the command succeeds with the output "user01"

  @assumption_A1 @assumption_A4
  Scenario Outline: refused users
    Given the RAM user "commandUser" with the policies {ALLOW}
    When commandUser runs "whoami" on the Linux instance as "<user>"
    Then the request is refused with "Forbidden.RAM"
    And nothing ran on the instance

    Examples:
      | user   |
      | root   |
      | user03 |

  @finding
  Scenario: full access lets root in beside the deny-list
    Fix: attach `commandUserPolicy.hardened` instead of the deny-list.

    Given the RAM user "commandUser" with the policies {FULL}
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the command succeeds with the output "root"

  Scenario: the deny-list beside full access keeps root out
    Given the RAM user "commandUser" with the policies {FULL}
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the request is refused with "Forbidden.RAM"
    And nothing ran on the instance

  Scenario: a phrase nobody defined
    Given the RAM user "commandUser" with the policy "commandUserPolicy.allowlist"
    When commandUser juggles three instances
    Then the command succeeds with the output "user01"

  Scenario: a scenario that does not apply here
    Given the weather is bad
    When commandUser runs "whoami" on the Linux instance as "user01"
    Then the command succeeds with the output "user01"
"""
STEPS = (
    """
import pytest
from pytest_bdd import given


@given("the weather is bad")
def bad_weather():
    pytest.skip("the weather is bad today")
"""
    + SPY
)


def _small(tmp: Path, *args: str) -> Written:
    project = small_spec(tmp / "project", FEATURE, STEPS)
    return run_with_reports(tmp / "out", *args, "-v", "-rA", cwd=project)


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Written:
    return _small(tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="session")
def small_xdist(tmp_path_factory: pytest.TempPathFactory) -> Written:
    return _small(tmp_path_factory.mktemp("small-xdist"), "-n", "2")
