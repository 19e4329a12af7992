"""Provision mode against a stand-in account: the spec passes, and whatever the run created is
gone afterwards, whether the scenario passed, failed midway, or the run was interrupted or
killed (then `python -m harness cleanup` finishes the job)."""

from __future__ import annotations

import sys

import pytest

from tests import _children as children
from tests._support import LIVE_RUN
from tests.report._support import Provisioned

from ._support import (
    NOT_PASSED,
    ROOT,
    holdings,
    live_env,
    output,
    run_pytest,
    small_spec,
    spec_scenarios,
)

#: What a JUnit test case holds when it did not pass.

POLICIES = (
    '"commandUserPolicy.allowlist", "AliyunECSReadOnlyAccess", "AliyunOOSReadOnlyAccess" and '
    '"kmsPolicy"'
)
PARAMETER = '"axtSecretPassword" in the instance\'s region'
WINDOWS_BACKGROUND = f"""
  Background:
    Given a Windows instance with the regular user "user01"
    And the password of "user01" is kept in the encrypted parameter {PARAMETER}
    And the instance has the RAM role "AxtSecretRamRole" with the policy "AxtSecretRamRolePolicy"
    And the RAM user "commandUser" with the policies {POLICIES}
"""
#: The When of every scenario here.
RUN = 'commandUser runs "whoami" on the Windows instance as "user01" with the password in ' + (
    '"axtSecretPassword"'
)


@pytest.mark.xdist_group(LIVE_RUN)
def test_the_windows_spec_passes_and_leaves_nothing_behind(live_run: Provisioned):
    """The Windows half creates the most: user, key, policies, role, parameter, instance role.
    It is read from tests/conftest.py's live run of the whole spec in provision mode (whose
    evidence tests/report/test_full_spec.py reads), which must leave nothing behind either.
    (test_record_replay.py records the first scenario of each feature in provision mode.)"""
    run = live_run.run
    assert run.returncode == 0, live_run.output()
    windows = [
        case
        for case in live_run.junit.iter("testcase")
        if case.get("classname", "").startswith("features.windows.")
    ]
    assert len(windows) == spec_scenarios("features/windows")
    assert not [c.get("name") for c in windows if any(e.tag in NOT_PASSED for e in c)]
    assert "provision mode, endpoint " + live_run.stand_in.url in run.stdout
    # progress while an invocation runs: one line per poll
    assert "    ... commandUser: t-" in run.stdout
    assert ": Success after " in run.stdout
    assert live_run.after == live_run.before
    assert not list((live_run.folder / "cache" / "d" / "runas-ledger").glob("*.jsonl"))


def test_a_scenario_that_fails_midway_removes_what_it_created(account, before, tmp_path):
    small_spec(
        tmp_path,
        f"""
        @windows
        Feature: a run that breaks
        {WINDOWS_BACKGROUND}
          Scenario: the spec expects the wrong user
            When {RUN}
            Then the command succeeds as the Windows user "user02"
        """,
    )
    run = run_pytest(
        "--backend", "live", "-p", "no:cacheprovider", env=live_env(account, tmp_path), cwd=tmp_path
    )
    assert run.returncode == 1, output(run)
    assert "SpecViolation: the command ran, but Windows says it ran as" in run.stdout
    # the report names what was made, under the scenario's prefix
    assert "CreateUser(DisplayName=runas-" in run.stdout
    assert "CreateSecretParameter(Name=runas-" in run.stdout
    assert holdings(account.state()) == before


def test_an_interrupted_run_removes_what_it_created(account, before, tmp_path):
    """Ctrl-C inside a step: the world fixture's teardown still unwinds the ledger."""
    small_spec(
        tmp_path,
        f"""
        @windows
        Feature: a run that is interrupted
        {WINDOWS_BACKGROUND}
          Scenario: the operator gives up
            When {RUN}
            And the operator presses Ctrl-C
            Then the command succeeds as the Windows user "user01"

          Scenario: never reached
            When {RUN}
            Then the command succeeds as the Windows user "user01"
        """,
        steps="""
        from pytest_bdd import when

        @when("the operator presses Ctrl-C")
        def interrupted():
            raise KeyboardInterrupt
        """,
    )
    cache = tmp_path / "cache"
    run = run_pytest(
        "--backend",
        "live",
        "-o",
        f"cache_dir={cache}",
        env=live_env(account, tmp_path),
        cwd=tmp_path,
    )
    assert run.returncode == 2, output(run)
    assert "KeyboardInterrupt" in run.stdout
    assert holdings(account.state()) == before
    assert not list((cache / "d" / "runas-ledger").glob("*.jsonl"))


CRASH = """
import os
from pytest_bdd import when

@when("the machine loses power")
def crash():
    os._exit(3)  # no teardown, no finally: only the ledger file remembers
"""
CRASHING_FEATURE = f"""
    @windows
    Feature: a run that dies
    {WINDOWS_BACKGROUND}
      Scenario: the power goes
        When commandUser saves the command "whoami" as "left-behind"
        And the machine loses power
"""


def test_cleanup_removes_what_a_killed_run_left_from_its_ledger(account, before, tmp_path):
    small_spec(
        tmp_path,
        CRASHING_FEATURE.replace("commandUserPolicy.allowlist", "commandUserPolicy.denylist"),
        steps=CRASH,
    )
    cache = tmp_path / "cache"
    env = live_env(account, tmp_path)
    run = run_pytest("--backend", "live", "-o", f"cache_dir={cache}", env=env, cwd=tmp_path)
    assert run.returncode == 3, output(run)
    left = holdings(account.state())
    made = {kind: left[kind] - before[kind] for kind in left}
    assert all(made.values()), made  # a user, key, policies, role, parameter, command, attachment
    [ledger] = (cache / "d" / "runas-ledger").glob("*.jsonl")
    text = ledger.read_text()
    assert account.windows_password not in text
    assert account.administrator.secret not in text
    assert "AccessKeySecret" not in text

    cleanup = run_pytest_module("cleanup", "--ledger", str(ledger), env=env, cwd=tmp_path)
    assert cleanup.returncode == 0, output(cleanup)
    assert "removed RAM user `runas-" in cleanup.stdout
    assert "removed saved command `runas-" in cleanup.stdout
    assert holdings(account.state()) == before
    assert not ledger.exists()


def test_cleanup_by_prefix_removes_what_a_killed_run_left(account, before, tmp_path):
    small_spec(
        tmp_path,
        CRASHING_FEATURE.replace("commandUserPolicy.allowlist", "commandUserPolicy.denylist"),
        steps=CRASH,
    )
    env = live_env(account, tmp_path)
    run = run_pytest("--backend", "live", "-p", "no:cacheprovider", env=env, cwd=tmp_path)
    assert run.returncode == 3, output(run)
    assert holdings(account.state()) != before

    listed = run_pytest_module("cleanup", "--prefix", "runas-", "--dry-run", env=env, cwd=tmp_path)
    assert "would remove RAM user `runas-" in listed.stdout, output(listed)
    assert holdings(account.state()) != before
    cleanup = run_pytest_module("cleanup", "--prefix", "runas-", env=env, cwd=tmp_path)
    assert cleanup.returncode == 0, output(cleanup)
    assert holdings(account.state()) == before


def run_pytest_module(*args, env, cwd):

    return children.run(
        [sys.executable, "-m", "harness", *args],
        cwd=cwd,
        env=dict(env),
        timeout=60,
    )


def test_the_cleanup_command_says_when_there_is_nothing_to_do(tmp_path):
    from ._support import clean_env

    run = run_pytest_module("cleanup", env=clean_env(tmp_path), cwd=tmp_path)
    assert run.returncode == 0
    assert "nothing to clean up" in run.stdout
    assert str(ROOT) not in run.stderr
