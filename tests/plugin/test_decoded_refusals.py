"""A run-as refusal is decoded (ram:DecodeDiagnosticMessage) and must be the run-as rule's:
refused for another reason, the scenario fails and says why (pytester)."""

from __future__ import annotations

import json
import textwrap

import pytest

from ._support import (
    CONFTEST,
    GUIDE_POLICIES,
    ROOT_IS_REFUSED,
    RUNS_AS_USER01,
    feature,
    one_line,
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


#: A gateway that seals its diagnostics as a real one does: no explanation but the decode's.
SEALED = """
import pytest

from harness.sdk.gateway import Refusal


@pytest.fixture(autouse=True)
def sealed_like_a_real_gateway(monkeypatch):
    monkeypatch.setattr(Refusal, "explanation", lambda self: "")
"""


def test_an_implicit_deny_only_the_decode_tells_of_is_assumed_never_passed(
    pytester: pytest.Pytester,
) -> None:
    _spec(pytester, feature("the guide's allow-list", ROOT_IS_REFUSED, policies=GUIDE_POLICIES))
    (pytester.path / "conftest.py").write_text(CONFTEST + SEALED)
    result = run(pytester, "--runas-evidence", "evidence.json")
    result.stdout.fnmatch_lines(["*= 1 assumed in *"])
    result.stdout.fnmatch_lines(
        ["*`RunCommand` was refused by the run-as rule (assumption A90): no statement allowed*"]
    )
    record = json.loads((pytester.path / "evidence.json").read_text())["scenarios"][0]
    assert record["verdict"] == "assumed"
    assert "A90" in record["assumptions"]
    (refused,) = record["refusals"]
    assert refused["detail"]["RunAsReason"].startswith("assumed (assumption A90): ")
    assert "proved" not in refused["detail"]["RunAsReason"]


def test_the_fakes_explanation_proves_the_same_refusal(pytester: pytest.Pytester) -> None:
    _spec(pytester, feature("the guide's allow-list", ROOT_IS_REFUSED, policies=GUIDE_POLICIES))
    result = run(pytester, "--runas-evidence", "evidence.json")
    result.assert_outcomes(passed=1)
    record = json.loads((pytester.path / "evidence.json").read_text())["scenarios"][0]
    assert record["verdict"] == "passed"
    assert "A90" not in record["assumptions"]
    (refused,) = record["refusals"]
    assert refused["detail"]["RunAsReason"].startswith(
        "proved: a statement allows it but its `ecs:CommandRunAs` condition failed"
    )


INVOKES_UNSAVED = """
  Scenario: root is refused a saved command
    When commandUser runs the saved command "maintenance" on the Linux instance as "root"
    Then the request is refused with "Forbidden.RAM"
"""


@pytest.mark.parametrize(
    ("scenario", "line"),
    [
        # commandUser may not DescribeCommands (the guide's allow-list allows it only with
        # ecs:CommandRunAs, which that call never carries): the harness cannot find the saved
        # command, so InvokeCommand is never sent and nothing about root is shown.
        (
            INVOKES_UNSAVED,
            "*SpecViolation: the harness's own `DescribeCommands` call was refused before "
            "`InvokeCommand` was sent, so the run-as request was never made: "
            "`ecs:DescribeCommands` on `acs:ecs:*`: an implicit deny "
            "(AccountLevelIdentityBasedPolicy)",
        ),
        # Likewise DescribeInvocationResults: the run starts, and its result cannot be read.
        (
            RUNS_AS_USER01,
            "*SpecViolation: the harness's own `DescribeInvocationResults` call was refused, so "
            "what ran cannot be checked: `ecs:DescribeInvocationResults` on `acs:ecs:*`: an "
            "implicit deny (AccountLevelIdentityBasedPolicy)",
        ),
    ],
    ids=["before-the-run", "after-the-run"],
)
def test_a_refused_helper_call_fails_the_step_naming_the_call_and_its_reason(
    pytester: pytest.Pytester, scenario: str, line: str
) -> None:
    _spec(pytester, feature("no read access", scenario, policies='"commandUserPolicy.allowlist"'))
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([line])
    one_line(result)
