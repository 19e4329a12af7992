"""`python -m harness cleanup` when it cannot start: one line on stderr naming the problem and a
fix in the options cleanup has, checked in the order a person would fix them (the ledger file
before any credentials), never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.__main__ import main
from harness.backends.standin import isolated_env

PROG = "python -m harness cleanup: "


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No run-as or Alibaba Cloud setting or credential, a HOME with no credentials files, no
    instance metadata: the chain has nothing to give."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        monkeypatch.delenv(name)
    for name, value in isolated_env(home).items():
        monkeypatch.setenv(name, value)


def one_line(capfd: pytest.CaptureFixture[str]) -> str:
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.usefixtures("no_credentials")
def test_a_missing_ledger_file_is_named_before_credentials_are_asked_for(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RUNAS_ADMIN_ACCESS_KEY_ID", "half-a-key")  # would be its own error
    assert main(["cleanup", "--ledger", "/missing/run.jsonl"]) == 2
    assert one_line(capfd) == (
        PROG + "no ledger file `/missing/run.jsonl`: a run keeps one in "
        "`.pytest_cache/d/runas-ledger` only while something it created is left to remove"
    )


@pytest.mark.usefixtures("no_credentials")
def test_cleanup_by_prefix_without_credentials_suggests_only_its_own_options(
    capfd: pytest.CaptureFixture[str],
) -> None:
    assert main(["cleanup", "--prefix", "runas-"]) == 2
    line = one_line(capfd)
    assert line.startswith(PROG + "commandUser: no credentials from the default credentials")
    assert "--command-user-profile" not in line
    assert line.endswith(
        "set RUNAS_ADMIN_ACCESS_KEY_ID and RUNAS_ADMIN_ACCESS_KEY_SECRET to the administrator's "
        "AccessKey, or name its profile with --admin-profile or RUNAS_ADMIN_PROFILE"
    )


@pytest.mark.usefixtures("no_credentials")
def test_half_an_administrator_key_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RUNAS_ADMIN_ACCESS_KEY_ID", "half-a-key")
    assert main(["cleanup", "--prefix", "runas-"]) == 2
    line = one_line(capfd)
    assert "(only one is set)" in line
    assert "--admin-profile" in line


@pytest.mark.usefixtures("no_credentials")
def test_a_prefix_too_short_to_be_the_harnesss_is_refused(
    capfd: pytest.CaptureFixture[str],
) -> None:
    assert main(["cleanup", "--prefix", "ru"]) == 2
    assert one_line(capfd) == PROG + "prefix `ru` is too short to be the harness's"


@pytest.mark.usefixtures("no_credentials")
def test_a_ledger_file_broken_midway_is_named_before_credentials_are_asked_for(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "run.jsonl"
    ledger.write_text('garbage\n{"event": "removed", "entry": "s#1"}\n')
    assert main(["cleanup", "--ledger", str(ledger)]) == 2
    assert one_line(capfd) == PROG + f"ledger `{ledger}` line 1 is not a ledger event: `garbage`"
