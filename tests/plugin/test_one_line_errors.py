"""Every bad input a person can give the spec is one line saying what and where, never a Python
traceback (pytester, as the person running pytest meets it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.backends.standin import isolated_env
from tests import _children as children
from tests._support import pytest_command

from ._support import CONFTEST, feature, one_line, run

pytest_plugins = ["pytester"]

BINDING = """
import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.runas_scenario
scenarios("spec.feature")
"""
SPEC = Path(__file__).resolve().parents[2] / "features" / "policies"


def _spec(pytester: pytest.Pytester, text: str) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_spec=BINDING)
    (pytester.path / "spec.feature").write_text(text)


def _failure(result: pytest.RunResult) -> list[str]:
    """The lines of the one failure's report, from its header to the next section."""
    lines = result.outlines
    start = next(i for i, line in enumerate(lines) if line.startswith("_____"))
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith("====="))
    return lines[start + 1 : end]


def _one_line_then_calls(result: pytest.RunResult) -> list[str]:
    """The failure is one line, then the scenario's API calls, one line each; returns those."""
    [line, header, *calls] = _failure(result)
    assert "Cloud API calls" in header, line
    assert all(" -> " in call for call in calls), calls
    one_line(result)
    return calls


def test_a_misspelt_system_policy_is_one_line_before_any_user_is_created(
    pytester: pytest.Pytester,
) -> None:
    _spec(
        pytester,
        feature(
            "a typo",
            """
            Scenario: user01 runs
              When commandUser runs "whoami" on the Linux instance as "user01"
            """,
            policies='"commandUserPolicy.allowlist" and "AliyunECSReadOnlyAcess"',
        ),
    )
    result = run(pytester)
    result.assert_outcomes(errors=0, failed=1)
    result.stdout.fnmatch_lines(
        [
            "HarnessError: unknown system policy `AliyunECSReadOnlyAcess` (did you mean "
            "`AliyunECSReadOnlyAccess`*?): the harness knows *AliyunECSReadOnlyAccess*",
            "*Cloud API calls*",
        ]
    )
    calls = _one_line_then_calls(result)
    assert not [call for call in calls if "CreateUser" in call or "CreatePolicy" in call]


@pytest.mark.parametrize(
    ("document", "says"),
    [
        (
            '{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:RunCommand", '
            '"Resource": "*", "Condition": {"StringEqualz": {"ecs:CommandRunAs": "user01"}}}]}',
            "*ERROR: policy `commandUserPolicy.allowlist` in `*mine*commandUserPolicy.allowlist"
            ".json`: *unknown condition operator `StringEqualz`*",
        ),
        (
            '{"Version": "1", "Statement": [',
            "*ERROR: policy file `*mine*commandUserPolicy.allowlist.json` is not JSON: *",
        ),
        (
            None,
            "*ERROR: policy `bad_name` in `*mine*bad_name.json`: RAM refuses the name "
            "`bad_name`: use letters, digits and hyphens before the first dot of the file's name",
        ),
    ],
    ids=["unknown-operator", "not-json", "name-ram-refuses"],
)
def test_a_malformed_policy_in_the_administrators_folder_is_named_at_start(
    pytester: pytest.Pytester, document: str | None, says: str
) -> None:
    """Before any cloud call; `None`: the guide's own document under a name RAM refuses."""
    _spec(pytester, feature("a spec", "Scenario: one\n  Then nothing ran on the instance\n"))
    mine = pytester.mkdir("mine")
    if document is None:
        (mine / "bad_name.json").write_text((SPEC / "commandUserPolicy.allowlist.json").read_text())
    else:
        (mine / "commandUserPolicy.allowlist.json").write_text(document)
    result = run(pytester, "--policies", "mine")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([says])
    assert len([line for line in result.errlines if line.strip()]) == 1
    one_line(result)


def test_a_refusal_in_a_given_step_is_one_line(pytester: pytest.Pytester) -> None:
    """`Refusal` escaping a Given step (here CreateCommand, which read-only access does not
    allow) reads as the cloud's answer, not as 150 lines ending in FrozenInstanceError."""
    _spec(
        pytester,
        feature(
            "a Given the cloud refuses",
            """
            Scenario: a saved command
              Given commandUser has saved the command "whoami" as "who"
              When commandUser runs the saved command "who" on the Linux instance as "user01"
            """,
            policies='"AliyunECSReadOnlyAccess"',
        ),
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "Refusal: CreateCommand refused: Forbidden.RAM (HTTP 403): *ImplicitDeny*",
            "*Cloud API calls*",
        ]
    )
    _one_line_then_calls(result)


@pytest.mark.parametrize(
    ("step", "hint"),
    [
        (
            'When commandUser run "whoami" on the Linux instance as "user01"',
            '*: nearest known phrases: `When {principal} runs "{script}" on the {os} instance '
            'as "{user}"`*',
        ),
        (
            'When the command succeeds with the output "user01"',
            "*: this phrase is a Then step, not a When step: `Then the command succeeds with "
            'the output "{expected}"`',
        ),
        (
            "When commandUser juggles three instances",
            "*: nearest known phrases: `When {principal} lists the ECS instances`*",
        ),
    ],
    ids=["misspelt", "wrong-keyword", "unknown"],
)
def test_an_unknown_step_names_the_nearest_known_phrases(
    pytester: pytest.Pytester, step: str, hint: str
) -> None:
    _spec(pytester, feature("a spec", f"Scenario: a phrase nobody defined\n  {step}\n"))
    result = run(pytester)
    result.assert_outcomes(failed=1)
    said = step.split(" ", 1)
    result.stdout.fnmatch_lines(
        [f'StepDefinitionNotFoundError: Step definition is not found: {said[0]} "{said[1]}"{hint}']
    )
    _one_line_then_calls(result)


def test_a_live_run_without_credentials_prints_its_one_line_only(tmp_path: Path) -> None:
    """alibabacloud_credentials logs each provider that fails, traceback and all, on a handler
    of its own; while the harness asks the chain, only the harness's line is printed. The OIDC
    provider (a token file that is not there) fails the same way the ECS metadata one does
    off ECS, with no network."""
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_spec.py").write_text(BINDING)
    (tmp_path / "spec.feature").write_text(feature("a spec", "Scenario: one\n"))
    env = isolated_env(
        tmp_path,
        ALIBABA_CLOUD_ROLE_ARN="acs:ram::1234567890123456:role/runner",
        ALIBABA_CLOUD_OIDC_PROVIDER_ARN="acs:ram::1234567890123456:oidc-provider/ci",
        ALIBABA_CLOUD_OIDC_TOKEN_FILE=str(tmp_path / "no-token"),
    )
    run = children.run(
        pytest_command("-p", "no:cacheprovider", "--backend", "live"),
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("ERROR: backend `live` cannot start, 2 setting(s) missing: ")
    assert "commandUser: no credentials from the default credentials chain" in lines[0]
    assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "Feature: broken\n  Scenario: one\n    Given a Linux instance\n  Whatever\n",
            "feature `*broken.feature` line 4: `Whatever`: unexpected token found: check Gherkin*",
        ),
        ("Feature: nothing yet\n", "feature `*broken.feature` has no scenario"),
    ],
    ids=["gherkin", "empty"],
)
def test_a_feature_file_that_cannot_be_collected_is_one_line(
    pytester: pytest.Pytester, text: str, says: str
) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.mkdir("features")
    (pytester.path / "features" / "broken.feature").write_text(text)
    result = run(pytester, "features")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR collecting features/broken.feature*", says])
    one_line(result)
