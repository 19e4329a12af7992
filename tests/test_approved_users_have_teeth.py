"""The approved-user checks have teeth: run against an instance where user01 is root by another
name (a NOPASSWD sudoer, even for one command; in docker; beside a uid-0 alias `toor`), the
approved-users spec fails exactly at the check that names it, and passes on a clean instance."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests import _children as children
from tests._support import pytest_command

ROOT = Path(__file__).resolve().parent.parent
FEATURE = "features/paths_to_root/approved_users.feature"
PLUGIN = "weakened_instance"

#: Saved as a plugin of the child run: every Linux instance the fake makes gets the weakness
#: written in `weakness.json` beside it (FakeCloud.add_instance's own keywords).
WEAKEN = """
import json
from pathlib import Path

import fakes.cloud

_WEAKNESS = json.loads(Path(__file__).with_name("weakness.json").read_text())
_add_instance = fakes.cloud.FakeCloud.add_instance


def _weakened(self, os="linux", *args, **kwargs):
    if os == "linux":
        kwargs.update(_WEAKNESS)
    return _add_instance(self, os, *args, **kwargs)


fakes.cloud.FakeCloud.add_instance = _weakened
"""


def _failed_on(tmp_path: Path, weakness: dict[str, Any]) -> tuple[list[str], str]:
    """The scenarios of the approved-users spec that fail on instances with `weakness`, and
    what the run printed."""
    (tmp_path / f"{PLUGIN}.py").write_text(WEAKEN)
    (tmp_path / "weakness.json").write_text(json.dumps(weakness))
    path = os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH", "")) if p)
    result = children.run(
        pytest_command(FEATURE, "-p", "no:cacheprovider", "-p", PLUGIN, "-q", "-rf"),
        cwd=ROOT,
        timeout=300,
        env={**os.environ, "PYTHONPATH": path},
    )
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED ")]
    assert result.returncode == (1 if failed else 0), result.stdout[-2000:]
    assert "passed" in result.stdout or failed, result.stdout[-2000:]
    return failed, result.stdout


def test_on_a_clean_instance_every_approved_user_check_passes(tmp_path: Path) -> None:
    assert _failed_on(tmp_path, {})[0] == []


@pytest.mark.parametrize(
    ("weakness", "check", "why"),
    [
        (
            {"sudoers": {"user01": "NOPASSWD:ALL"}},
            "cannot_use_sudo_without_a_password[user01]",
            "`user01` ran `sudo -n true`: it is root without a password",
        ),
        (
            {"sudoers": {"user01": "NOPASSWD: /bin/bash"}},
            "cannot_use_sudo_without_a_password[user01]",
            "`sudo -n -l` as `user01` lists `(ALL) NOPASSWD: /bin/bash`",
        ),
        (
            {"groups": {"user01": ["docker"]}},
            "is_in_no_group_that_administers_the_instance[user01]",
            "`user01` is in docker: root by another name",
        ),
        (
            {"root_aliases": ["toor"]},
            "root_is_the_only_account_with_uid_0",
            "the accounts with uid 0 are root, toor: root by another name",
        ),
    ],
    ids=["nopasswd-sudoer", "nopasswd-for-bash-only", "in-docker", "toor-alias"],
)
def test_user01_root_by_another_name_fails_exactly_its_check(
    tmp_path: Path, weakness: dict[str, Any], check: str, why: str
) -> None:
    [failed], printed = _failed_on(tmp_path, weakness)
    assert check in failed, failed
    assert why in printed, printed[-2000:]
