"""The harness's pytest plugin, as a person running pytest meets it (pytester, fnmatch_lines).

The runs are in this process (a fresh pytest session each, on the same plugin code), which
saves a Python start and the SDK imports per run; the one run whose conftest patches a harness
class for good runs in a child process (from the suite's fork server), so the patch dies with
it."""

from __future__ import annotations

import textwrap

import pytest

from tests._support import SECRETS_MADE, SPY, runpytest_child
from tests.plugin._support import run

pytest_plugins = ["pytester"]

CONFTEST = """
pytest_plugins = ["harness.plugin", "steps.instances", "steps.accounts", "steps.commands"]
"""
BINDING = """
import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.runas_scenario
scenarios("spec.feature")
"""
POLICIES = "commandUserPolicy.allowlist"
READ_ONLY = "AliyunECSReadOnlyAccess"


def _spec(pytester: pytest.Pytester, body: str) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_spec=BINDING)
    feature = textwrap.dedent(
        f"""
        Feature: a small spec
          Background:
            Given a Linux instance with the regular users "user01" and "user02"
            And the RAM user "commandUser" with the policies "{POLICIES}" and "{READ_ONLY}"
        """
    ) + textwrap.indent(textwrap.dedent(body), "  ")
    (pytester.path / "spec.feature").write_text(feature)


def test_help_lists_every_option_with_its_environment_twin(pytester: pytest.Pytester) -> None:
    result = run(pytester, "-p", "harness.plugin", "--help")
    result.stdout.fnmatch_lines(
        [
            "run-as harness:",
            "*--backend=NAME*",
            "*[env RUNAS_BACKEND]*",
            "*--region=REGION*",
            "*[env RUNAS_REGION]*",
            "*--policies=DIR*",
            "*[env RUNAS_POLICIES]*",
        ]
    )


@pytest.mark.parametrize("backend", ["live", "record"])
def test_the_live_backends_are_available(pytester: pytest.Pytester, backend: str) -> None:
    """Accepted as a setting; with no scenario selected, nothing needs an account."""
    result = run(pytester, "-p", "harness.plugin", "--backend", backend)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines([f"run-as harness: backend {backend}, region cn-hangzhou*"])


def test_a_replay_without_a_recording_names_the_fix(pytester: pytest.Pytester) -> None:
    result = run(pytester, "-p", "harness.plugin", "--backend", "replay", "--cassettes", "nowhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*no recording to replay: `*nowhere/settings.toml` is missing; record one with --backend*"]
    )


def test_an_unknown_backend_from_the_environment_is_named(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNAS_BACKEND", "cloudy")
    result = run(pytester, "-p", "harness.plugin")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown backend `cloudy`: choose one of fake, live, record*"])


def test_a_missing_policy_folder_is_named(pytester: pytest.Pytester) -> None:
    result = run(pytester, "-p", "harness.plugin", "--policies", "nowhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*policy folder `*nowhere` does not exist*"])


def test_the_header_says_which_backend_runs(pytester: pytest.Pytester) -> None:
    _spec(pytester, "")
    result = run(pytester)
    result.stdout.fnmatch_lines(["run-as harness: backend fake, region cn-hangzhou"])


def test_an_unknown_step_is_named_by_pytest_bdd(pytester: pytest.Pytester) -> None:
    _spec(
        pytester,
        """
        Scenario: a phrase nobody defined
          When commandUser juggles three instances
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ['*StepDefinitionNotFoundError*When "commandUser juggles three instances"*']
    )


def test_a_broken_promise_reads_as_one_line_and_the_api_calls(pytester: pytest.Pytester) -> None:
    _spec(
        pytester,
        """
        Scenario: the spec expects the wrong user
          When commandUser runs "whoami" on the Linux instance as "user01"
          Then the command succeeds with the output "user02"
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "SpecViolation: the command ran, but its output is `user01`, not `user02`*",
            "*Cloud API calls*",
            "commandUser: RunCommand(CommandContent=whoami, InstanceId=i-*, Username=user01)*OK*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_a_refusal_where_a_run_was_expected_shows_why(pytester: pytest.Pytester) -> None:
    _spec(
        pytester,
        """
        Scenario: the spec expects root to run
          When commandUser runs "whoami" on the Linux instance as "root"
          Then the command succeeds with the output "root"
        """,
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "SpecViolation: the command was refused, but the spec expects it to run: "
            "RunCommand refused: Forbidden.RAM (HTTP 403)*ImplicitDeny*`ecs:CommandRunAs` is "
            "`root`*",
        ]
    )


def test_no_secret_reaches_the_output(pytester: pytest.Pytester) -> None:
    """The AccessKey secrets the run created appear nowhere in what pytest prints."""
    _spec(
        pytester,
        """
        Scenario: a failing scenario prints its calls
          When commandUser runs "whoami" on the Linux instance as "user01"
          Then the command succeeds with the output "nobody"
        """,
    )
    pytester.makeconftest(CONFTEST + SPY)
    result = runpytest_child(pytester, "-rA", "-v", "--showlocals", "--tb=long")
    text = result.stdout.str() + result.stderr.str()
    assert "CreateAccessKey(UserName=commandUser) -> OK" in text
    secrets = (pytester.path / SECRETS_MADE).read_text().split()
    assert secrets
    assert all(len(s) == 30 for s in secrets)
    assert not [s for s in secrets if s in text]


def test_the_summary_names_the_assumptions_the_run_rested_on(pytester: pytest.Pytester) -> None:
    _spec(
        pytester,
        """
        @assumption_A1
        Scenario: naming no user is refused
          When commandUser runs "whoami" on the Linux instance without naming a user
          Then the request is refused with "Forbidden.RAM"
        """,
    )
    result = run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*assumptions the spec rests on*",
            "A1: modelled by the fake, not confirmed: 1/1 scenarios passed: `ecs:CommandRunAs` is*",
        ]
    )
