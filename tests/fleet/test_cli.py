"""`python -m harness fleet` on the live path: the fake cloud server stands in for Alibaba's
endpoints, set up from outside as an account is (its control plane makes the instances, RAM
makes commandUser), and the command signs as commandUser from the environment, as a person
runs it. Also: its one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fakes.server import FakeServer
from harness.__main__ import main
from harness.backends.fake import control
from harness.backends.standin import CHECKOUT, StandIn, isolated_env, prepare


@pytest.fixture
def account(server: FakeServer) -> StandIn:
    return prepare(
        server.url,
        administrator=False,
        command_user=("commandUserPolicy.allowlist", "AliyunECSReadOnlyAccess"),
    )


def _fleet(account: StandIn, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", "fleet", "--run-as-users", "user01,user02", *args],
        cwd=CHECKOUT,
        env=account.environment(home),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_fleet_command_verifies_a_tagged_fleet_and_names_the_drift(
    account: StandIn, tmp_path: Path
) -> None:
    spec = {"count": 30, "users": ["user01", "user02"], "tags": {"env": "prod"}}
    made = control(account.url, "POST", "fleet", spec)["InstanceIds"]
    control(account.url, "POST", "agent", {"instance_id": made[0], "state": "stopped"})
    first = tmp_path / "first.json"
    ran = _fleet(account, tmp_path, "--instances-tag", "env=prod", "--json", str(first))
    assert ran.returncode == 3, ran.stderr  # one instance could not be checked
    result = json.loads(first.read_text())
    verdicts = {r["instance_id"]: r["verdict"] for r in result["instances"]}
    # The stand-in's own Linux instance is tagged env=prod too; its Windows one is not.
    assert sorted(verdicts) == sorted([*made, account.linux])
    assert verdicts[made[0]] == "unreachable"
    assert list(verdicts.values()).count("verified") == 30
    assert "verified" in ran.stdout
    assert f"UNREACHABLE {made[0]}" in ran.stdout
    state = control(account.url, "GET", "state")
    ran_on = {i["InstanceId"]: i["Ran"] for i in state["Instances"]}
    assert ran_on[made[0]] == []  # left out before any run
    assert {r["Username"] for r in ran_on[made[1]]} == {"user01", "user02"}  # root never ran

    control(account.url, "POST", "agent", {"instance_id": made[0], "state": "running"})
    again = _fleet(account, tmp_path, "--instances-tag", "env=prod", "--baseline", str(first))
    assert again.returncode == 0, again.stderr
    assert f"drift: {made[0]}: unreachable -> verified" in again.stdout
    assert again.stdout.count("drift:") == 1
    key = account.command_user
    assert key is not None
    assert key.secret not in ran.stdout + ran.stderr + first.read_text()


def test_without_credentials_the_command_says_how_to_give_them(tmp_path: Path) -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "harness", "fleet", "--instances-tag", "env=prod"],
        cwd=CHECKOUT,
        env=isolated_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 2
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1, ran.stderr
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in lines[0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ([], "no instances to verify: give --instances-tag KEY=VALUE"),
        (["--instances-tag", "env"], "tag `env` is not KEY=VALUE"),
        (["--instances", "i-1", "--baseline", "/nonexistent.json"], "cannot read the baseline"),
        (["--instances", "i-1", "--run-as-users", "root"], "is both a user to run as"),
        (["--instances", "i-1", "--refused-users", ""], "--refused-users names nobody"),
        (["--instances", "i-1", "--refused-users", " , "], "--refused-users names nobody"),
        (["--instances", "i-1", "--run-as-users", ""], "--run-as-users names nobody"),
        (
            ["--instances", "i-1", "--json", "/"],
            "cannot write the verdicts to `/`: `/` is a folder",
        ),
    ],
)
def test_bad_input_is_one_line(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fleet", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("python -m harness fleet: ")
    assert says in err


def test_a_json_path_that_cannot_be_written_is_refused_before_any_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused at once, not after a run of many minutes whose verdicts it would lose: no
    credentials are given here, and the refusal comes before they are looked for. (A file
    where a folder of the path should be: a folder made read-only would not stop root, who
    runs this suite in CI.)"""
    in_the_way = tmp_path / "report.txt"
    in_the_way.write_text("a file, not a folder")
    asked = in_the_way / "day" / "verdicts.json"
    assert main(["fleet", "--instances", "i-1", "--json", str(asked)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"python -m harness fleet: cannot write the verdicts to `{asked}`: "
        f"`{in_the_way}` is not a folder"
    )
    assert in_the_way.read_text() == "a file, not a folder"
