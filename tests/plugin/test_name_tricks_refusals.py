"""The name-tricks step passes on a refusal only when RAM refused the run (`Forbidden.RAM`) for
the run-as rule: a throttle or a bad parameter refuses the request too, and RAM refuses a user
with no run-as policy at all, but neither says anything of the run-as rule."""

from __future__ import annotations

import textwrap
from types import SimpleNamespace
from typing import cast

import pytest

from harness.errors import SpecViolation
from harness.sdk.gateway import Refusal
from harness.world import World
from steps.privilege import never_root

from ._support import STEP_MODULES, feature, one_line, run

pytest_plugins = ["pytester"]


def _world_whose_last_outcome_is(refusal: Refusal) -> World:
    return cast(World, SimpleNamespace(outcome=SimpleNamespace(last=refusal)))


@pytest.mark.parametrize(
    ("code", "status"),
    [("Throttling.User", 400), ("InvalidParameter", 400), ("ServiceUnavailable", 503)],
)
def test_a_refusal_other_than_rams_fails_the_name_tricks_step_naming_its_code(
    code: str, status: int
) -> None:
    refusal = Refusal("RunCommand", code, "no", status, "r-1")
    with pytest.raises(SpecViolation) as failed:
        never_root(_world_whose_last_outcome_is(refusal))
    line = str(failed.value)
    assert "\n" not in line
    assert f"refused with `{code}`, not `Forbidden.RAM`" in line


NAME_TRICK = """
  Scenario: a name made to look like root
    When commandUser runs "whoami" on the Linux instance as the name written "ROOT"
    Then it is refused, or it fails on the instance, and it never runs as root or System
"""
BINDING = """
import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.runas_scenario
scenarios("spec.feature")
"""


def _run_name_trick(pytester: pytest.Pytester, policies: str) -> pytest.RunResult:
    pytester.makeconftest(
        f"pytest_plugins = {['harness.plugin', *STEP_MODULES, 'steps.privilege']!r}\n"
    )
    pytester.makepyfile(test_spec=textwrap.dedent(BINDING))
    (pytester.path / "spec.feature").write_text(
        feature("name tricks", NAME_TRICK, policies=policies)
    )
    return run(pytester)


def test_the_deny_list_refusing_a_look_alike_passes_the_name_tricks_step(
    pytester: pytest.Pytester,
) -> None:
    result = _run_name_trick(pytester, '"commandUserPolicy.denylist" and "AliyunECSReadOnlyAccess"')
    result.assert_outcomes(passed=1)


def test_a_refusal_with_no_run_as_policy_at_all_fails_the_name_tricks_step(
    pytester: pytest.Pytester,
) -> None:
    result = _run_name_trick(pytester, '"AliyunECSReadOnlyAccess"')
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*SpecViolation: refused for another reason: no statement allows it, whatever the*"]
    )
    one_line(result)
