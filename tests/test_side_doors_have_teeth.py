"""The side doors' spec has teeth: with the Deny statements taken out of
commandUserPolicy.side-doors-closed, every scenario that says it closes a door fails, and fails
as an exposure; nothing else in features/paths_to_root changes. Likewise with the Deny on runs
taken out of denyRunsOnContainerHosts, the container scenario it closes fails as an exposure,
and with its Deny statements taken out of the control policy closeRootPaths.control, each
scenario that says it refuses a path to root fails as an exposure."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests import _children as children
from tests._support import pytest_command

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "features" / "policies"
HARDENED = "commandUserPolicy.side-doors-closed.json"
CONTAINER_HOSTS = "denyRunsOnContainerHosts.json"
CONTAINER_FEATURE = "features/paths_to_root/container.feature"
GUARD_RAIL = "closeRootPaths.control.json"
CONTROL_FEATURE = "features/effective_permissions/control_policies.feature"


def _run_with(
    tmp_path: Path,
    name: str,
    keep: Callable[[dict[str, Any]], bool],
    where: str,
    change: Callable[[dict[str, Any]], dict[str, Any]] = lambda s: s,
) -> subprocess.CompletedProcess[str]:
    """The paths-to-root spec (or `where` in it) with the spec's policies, but `name` holding
    only the statements `keep` keeps, each as `change` makes it."""
    for source in POLICIES.glob("*.json"):
        shutil.copy(source, tmp_path / source.name)
    document = json.loads((POLICIES / name).read_text())
    document["Statement"] = [change(s) for s in document["Statement"] if keep(s)]
    (tmp_path / name).write_text(json.dumps(document, indent=2))
    return children.run(
        pytest_command(where, "-p", "no:cacheprovider", "-q", "-rf", "--policies", str(tmp_path)),
        cwd=ROOT,
        timeout=300,
    )


def _failed(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 1, result.stdout[-2000:]
    return [line for line in result.stdout.splitlines() if line.startswith("FAILED ")]


def test_without_its_deny_statements_the_side_door_policy_closes_nothing(tmp_path: Path) -> None:
    result = _run_with(
        tmp_path, HARDENED, lambda s: s["Effect"] != "Deny", "features/paths_to_root"
    )
    failed = _failed(result)
    for door in (
        "sending_a_file",
        "a_session_manager_shell",
        "changing_a_root_task",
        "setting_the_root_password",
        "setting_the_instances_user_data",
        "attaching_a_ram_role",
        "attaching_an_ssh_key_pair",
        "ecsassistuser",
    ):
        assert any(f"closes_the_side_doors_refuses_{door}" in line for line in failed), door
    assert all("the_policy_that_closes_the_side_doors_refuses" in line for line in failed), failed
    assert "the account is exposed" in result.stdout


def test_without_its_deny_on_runs_the_container_host_policy_closes_nothing(
    tmp_path: Path,
) -> None:
    def not_the_runs(statement: dict[str, Any]) -> bool:
        return "ecs:RunCommand" not in statement["Action"]

    result = _run_with(tmp_path, CONTAINER_HOSTS, not_the_runs, CONTAINER_FEATURE)
    [failed] = _failed(result)
    assert "keeps_commanduser_off_instances_tagged_as_container_hosts" in failed
    assert "the account is exposed" in result.stdout


def test_without_its_deny_statements_the_guard_rail_refuses_nothing(tmp_path: Path) -> None:
    """Each Deny turned into an Allow: a control policy grants nothing, so the identity
    policies (AliyunECSFullAccess) decide alone. (A control policy must have a statement.)"""

    def allow(statement: dict[str, Any]) -> dict[str, Any]:
        return {**statement, "Effect": "Allow"}

    result = _run_with(tmp_path, GUARD_RAIL, lambda s: True, CONTROL_FEATURE, allow)
    failed = _failed(result)
    refusing = "the_control_policy_that_closes_the_paths_to_root_refuses"
    for what in ("root", "System", "ecs-assist-user", "sending_a_file", "a_session_manager_shell"):
        assert any(refusing in line and what in line for line in failed), what
    assert all(refusing in line for line in failed), failed
    assert "the account is exposed" in result.stdout
