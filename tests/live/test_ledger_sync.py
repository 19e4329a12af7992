"""A live run's ledger file is synced to the disk at each step on a real account, and only
written (to the operating system, so a killed run still leaves it readable) on a stand-in one,
which goes down with the machine anyway."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.backends.run import LiveRun
from harness.config.credentials import ADMIN_KEY_ID, ADMIN_KEY_SECRET
from harness.config.settings import parse
from harness.provisioning.ledger import CleanupLedger, LedgerFile, Resource

USER = Resource("user", "runas-x-commandUser")


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The descriptors os.fsync was asked to sync (and synced)."""
    synced: list[int] = []
    real = os.fsync

    def counted(fd: int) -> None:
        synced.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", counted)
    return synced


@pytest.mark.parametrize("synced", [True, False])
def test_each_event_is_written_whole_and_synced_only_when_asked(
    tmp_path: Path, fsyncs: list[int], synced: bool
) -> None:
    path = tmp_path / "run.jsonl"
    ledger = CleanupLedger(file=LedgerFile(path, synced=synced), scenario="s")
    ledger.intend(USER)
    assert [r for _, r in LedgerFile(path).outstanding()] == [USER]
    assert len(fsyncs) == (1 if synced else 0)


@pytest.mark.parametrize(
    ("endpoint", "synced"),
    [(None, True), ("http://127.0.0.1:8080", False)],
    ids=["a real account", "a stand-in"],
)
def test_a_live_run_syncs_its_ledger_unless_its_account_stands_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, endpoint: str | None, synced: bool
) -> None:
    monkeypatch.setenv(ADMIN_KEY_ID, "LTAI-an-administrator")
    monkeypatch.setenv(ADMIN_KEY_SECRET, "not-a-real-secret")
    given = {"backend": "live", **({"endpoint": endpoint} if endpoint else {})}
    run = LiveRun.start(parse(given, root=tmp_path), ledger_dir=tmp_path, progress=None)
    assert run.ledger is not None
    assert run.ledger.synced is synced
    assert run.mode == "provision"
