"""The side doors' spec has teeth: with the Deny statements taken out of
commandUserPolicy.side-doors-closed, every scenario that says it closes a door fails, and fails
as an exposure; nothing else in features/paths_to_root changes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "features" / "policies"
HARDENED = "commandUserPolicy.side-doors-closed.json"


def test_without_its_deny_statements_the_side_door_policy_closes_nothing(tmp_path: Path) -> None:
    for source in POLICIES.glob("*.json"):
        shutil.copy(source, tmp_path / source.name)
    document = json.loads((POLICIES / HARDENED).read_text())
    document["Statement"] = [s for s in document["Statement"] if s["Effect"] != "Deny"]
    (tmp_path / HARDENED).write_text(json.dumps(document, indent=2))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "features/paths_to_root",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rf",
            "--policies",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stdout[-2000:]
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED ")]
    for door in (
        "sending_a_file",
        "a_session_manager_shell",
        "changing_a_root_task",
        "setting_the_root_password",
        "attaching_a_ram_role",
        "attaching_an_ssh_key_pair",
        "ecsassistuser",
    ):
        assert any(f"closes_the_side_doors_refuses_{door}" in line for line in failed), door
    assert all("the_policy_that_closes_the_side_doors_refuses" in line for line in failed), failed
    assert "the account is exposed" in result.stdout
