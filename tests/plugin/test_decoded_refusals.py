"""A run-as refusal is decoded (ram:DecodeDiagnosticMessage) and must be the run-as rule's:
refused for another reason, the scenario fails and says why (pytester)."""

from __future__ import annotations

import textwrap

import pytest

from ._support import (
    CONFTEST,
    GUIDE_POLICIES,
    ROOT_IS_REFUSED,
    RUNS_AS_USER01,
    feature,
    run,
)

pytest_plugins = ["pytester"]

BINDING = """
import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.runas_scenario
scenarios("spec.feature")
"""
EACH_IS_REFUSED = """
  Scenario: every user that must be refused is refused
    When commandUser runs "whoami" on the Linux instance as each user that must be refused
    Then each of those requests is refused with "Forbidden.RAM"
"""


def _spec(pytester: pytest.Pytester, text: str) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_spec=textwrap.dedent(BINDING))
    (pytester.path / "spec.feature").write_text(text)


def test_root_refused_without_any_run_as_policy_is_the_wrong_reason(
    pytester: pytest.Pytester,
) -> None:
    _spec(
        pytester,
        feature(
            "no run-as policy",
            ROOT_IS_REFUSED,
            EACH_IS_REFUSED,
            policies='"AliyunECSReadOnlyAccess"',
        ),
    )
    result = run(pytester)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*SpecViolation: refused for another reason: no statement allows it, whatever the "
            "run-as user: `ecs:RunCommand` on `acs:ecs:*`: an implicit deny "
            "(AccountLevelIdentityBasedPolicy), `ecs:CommandRunAs` `root`",
        ]
    )


def test_the_guides_allow_list_refuses_root_for_the_run_as_rule(
    pytester: pytest.Pytester,
) -> None:
    _spec(
        pytester,
        feature("the guide's allow-list", ROOT_IS_REFUSED, RUNS_AS_USER01, EACH_IS_REFUSED),
    )
    result = run(pytester)
    result.assert_outcomes(passed=3)


def test_the_decode_is_evidence(pytester: pytest.Pytester) -> None:
    _spec(pytester, feature("the guide's allow-list", ROOT_IS_REFUSED, policies=GUIDE_POLICIES))
    result = run(pytester, "--runas-evidence", "evidence.json")
    result.assert_outcomes(passed=1)
    text = (pytester.path / "evidence.json").read_text()
    assert "DecodeDiagnosticMessage" in text
    assert '"DecodedReason": "`ecs:RunCommand` on `acs:ecs:' in text
