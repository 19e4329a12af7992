"""The spec has teeth: with the guide's `Condition` removed from the policies, the Linux spec
fails, and it fails exactly where root or an unlisted user would now get through."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests import _children as children
from tests._support import SPEC_ON_A_SERVER, pytest_command
from tests.live._support import NOT_PASSED, spec_scenarios
from tests.report._support import Served

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "features" / "policies"


def _run_linux_spec(policy_dir: Path) -> subprocess.CompletedProcess[str]:
    return children.run(
        pytest_command(
            "features/linux",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rf",
            "--policies",
            str(policy_dir),
        ),
        cwd=ROOT,
        timeout=300,
    )


@pytest.mark.xdist_group(SPEC_ON_A_SERVER)
def test_the_linux_spec_passes_with_the_guides_policies(spec_on_a_server: Served) -> None:
    """The baseline of the weakened runs below: with the guide's own policies given the same
    way (`--policies`), every Linux scenario passes. tests/conftest.py's run of the whole spec
    (on the fake served over HTTP rather than in-process: the policies are read and enforced
    alike) is the one the server and report tests also read."""
    assert spec_on_a_server.run.returncode == 0, spec_on_a_server.output()
    linux = [
        case
        for case in spec_on_a_server.junit.iter("testcase")
        if case.get("classname", "").startswith("features.linux.")
    ]
    assert len(linux) == spec_scenarios("features/linux")  # the Linux spec ran, all of it
    assert not [c.get("name") for c in linux if any(c.find(k) is not None for k in NOT_PASSED)]


@pytest.fixture
def unconditional_policies(tmp_path: Path) -> Path:
    for source in POLICIES.glob("*.json"):
        document = json.loads(source.read_text())
        for statement in document["Statement"]:
            statement.pop("Condition", None)
        (tmp_path / source.name).write_text(json.dumps(document, indent=2))
    return tmp_path


def test_without_the_condition_the_linux_spec_fails(unconditional_policies: Path) -> None:
    result = _run_linux_spec(unconditional_policies)
    assert result.returncode == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED ")]
    # Every refusal the guide promises is now broken, and reported as an exposure.
    for expected in (
        "test_root_and_unlisted_users_are_refused_before_anything_runs[root]",
        "test_root_and_unlisted_users_are_refused_before_anything_runs[ROOT]",
        "test_a_command_that_names_no_user_would_run_as_root_so_it_is_refused",
        "test_a_command_that_names_no_user_runs_as_root_by_default_so_it_is_refused",
        "test_root_and_system_are_refused_in_any_letter_case[root]",
        "test_root_and_system_are_refused_in_any_letter_case[SYSTEM]",
        "test_root_and_unlisted_users_cannot_run_the_saved_command[root]",
        "test_commanduser_saves_a_command_but_cannot_run_it_as_root_or_system[root]",
    ):
        assert any(expected in line for line in failed), f"{expected} did not fail"
    exposed = (
        "SpecViolation: the account is exposed: RAM accepted the request to run as `root` "
        "(InvokeId t-"
    )
    assert exposed in result.stdout
    assert (
        "on the instance it was tried as `root` and ended Success, output `root`" in result.stdout
    )
    # Approved users still run: the failures are about the missing condition, nothing else.
    assert not any("an_approved_user_runs" in line for line in failed)
    assert not any("any_regular_user_on_the_instance_runs" in line for line in failed)


def test_without_its_deny_statement_the_hardened_policy_lets_root_in(tmp_path: Path) -> None:
    for source in POLICIES.glob("*.json"):
        document = json.loads(source.read_text())
        document["Statement"] = [s for s in document["Statement"] if s["Effect"] != "Deny"]
        if not document["Statement"]:
            continue  # a Deny-only guard (runAsGuard, a control policy) is not the Linux spec's
        (tmp_path / source.name).write_text(json.dumps(document, indent=2))
    result = _run_linux_spec(tmp_path)
    assert result.returncode == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED ")]
    assert failed
    assert all("the_hardened_policy_refuses" in line for line in failed), failed
    assert "RAM accepted the request to run as `root`" in result.stdout
