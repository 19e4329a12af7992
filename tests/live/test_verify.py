"""Verify mode against a stand-in account set up as the guide says: with commandUser's keys only,
the spec checks the setup as it is, reports what it could not check as assumed (never as
passed), skips what does not apply to this account, and says when the account is exposed."""

from __future__ import annotations

import json
import re

import pytest

from harness.backends.standin import GUIDE_POLICIES, POLICIES, prepare
from tests._support import VERIFY_RUN
from tests.report._support import Verified

from ._support import live_env, output, run_pytest


@pytest.fixture
def guide_account(server):
    """The account after the guide (allow-list form, Linux and Windows), no administrator."""
    return prepare(server.url, administrator=False, command_user=GUIDE_POLICIES)


@pytest.mark.xdist_group(VERIFY_RUN)
def test_the_spec_verifies_the_setup_and_reports_what_it_assumed(verify_run: Verified):
    """tests/conftest.py's verify-mode run of the whole spec (whose evidence
    tests/report/test_full_spec.py reads)."""
    run = verify_run.run
    assert run.returncode == 0, verify_run.output()
    assert "verify mode" in run.stdout
    last = run.stdout.strip().splitlines()[-1]
    assert " assumed" in last, last
    assert " skipped" in last, last
    assert " passed" not in last, last
    # the one weakness commandUser's keys alone can show: a container run reaches root
    assert " 1 finding" in last, last
    # every scenario that held rests on policies commandUser may not read: assumed, not passed
    held = re.search(r"assumed, not passed: (\d+) scenario\(s\) held", run.stdout)
    assert held is not None, verify_run.output()
    assert f"{held.group(1)} assumed" in last  # the summary and the final line agree
    assert "commandUser has the policies `AliyunECSReadOnlyAccess`" in run.stdout
    assert "it may not read its own policies (NoPermission)" in run.stdout
    # the rest does not apply to this account, and says why
    assert (
        "this account's has `AliyunECSReadOnlyAccess`, `commandUserPolicy.allowlist`" in run.stdout
    )
    assert "the scenario needs the administrator, whose credentials are not given" in run.stdout
    assert "the scenario needs a wrong password for `user01` in the parameter" in run.stdout
    # verify mode creates nothing that outlives the run (saved commands are removed)
    assert verify_run.after == verify_run.before


def test_an_exposed_account_is_named_as_such(server, tmp_path):
    loose = tmp_path / "policies"
    loose.mkdir()
    for source in POLICIES.glob("*.json"):
        document = json.loads(source.read_text())
        for statement in document["Statement"]:
            statement.pop("Condition", None)  # the setup forgot the guide's condition
        (loose / source.name).write_text(json.dumps(document))
    account = prepare(server.url, administrator=False, command_user=GUIDE_POLICIES, policies=loose)
    run = run_pytest(
        "features/linux",
        "--backend",
        "live",
        "-p",
        "no:cacheprovider",
        "-k",
        "unlisted_users_are_refused_before_anything_runs",
        env=live_env(account, tmp_path),
    )
    assert run.returncode == 1, output(run)
    assert "3 failed" in run.stdout
    assert (
        "SpecViolation: the account is exposed: RAM accepted the request to run as `root`"
        in run.stdout
    )


def test_the_assumptions_show_in_the_report_of_each_scenario(guide_account, tmp_path):
    report = tmp_path / "report.xml"
    run = run_pytest(
        "features/linux",
        "--backend",
        "live",
        "-p",
        "no:cacheprovider",
        "-v",
        f"--junitxml={report}",
        "-k",
        "approved_user_runs and user01",
        env=live_env(guide_account, tmp_path),
    )
    assert run.returncode == 0, output(run)
    assert "test_an_approved_user_runs_a_command_as_themselves[user01] ASSUMED" in run.stdout
    assert "=== assumed, not passed ===" in run.stdout
    assert re.search(r"\d+ deselected, 1 assumed in", run.stdout), output(run)
    xml = report.read_text()
    assert '<property name="assumed"' in xml
    assert "may not read its own policies" in xml
