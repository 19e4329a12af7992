"""A file the harness writes for a person to keep (the fleet's verdicts) is written whole or
not at all, through a link to what it names, with the old file's permissions; a path it could
not write is said before a run, not after it (found by review: the first cut replaced links
and terminals with plain files, and reset a 0600 file to the default permissions)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from harness.files import unwritable, write_whole


class _Full(io.StringIO):
    """A file whose disk is full: what is written never gets there."""

    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize("fails", ["writing", "replacing"])
def test_a_failed_write_leaves_the_old_file_and_nothing_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: str
) -> None:
    """So one file given as --baseline and --json keeps its baseline when the write fails."""
    target = tmp_path / "fleet.json"
    target.write_text("the baseline\n")
    opened = Path.open

    def full_disk(path: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if mode == "x":  # the new file beside the target: made, then nothing gets in
            opened(path, mode, *args, **kwargs).close()
            return _Full()
        return opened(path, mode, *args, **kwargs)

    def no_replace(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    if fails == "writing":
        monkeypatch.setattr(Path, "open", full_disk)
    else:
        monkeypatch.setattr(os, "replace", no_replace)
    with pytest.raises(OSError, match="No space left"):
        write_whole(target, "the verdicts\n")
    monkeypatch.undo()
    assert target.read_text() == "the baseline\n"
    assert [p.name for p in tmp_path.iterdir()] == ["fleet.json"]
    write_whole(target, "the verdicts\n")
    assert target.read_text() == "the verdicts\n"
    assert [p.name for p in tmp_path.iterdir()] == ["fleet.json"]


def test_a_link_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    named = tmp_path / "kept" / "fleet.json"
    named.parent.mkdir()
    named.write_text("old\n")
    link = tmp_path / "latest.json"
    link.symlink_to(named)
    write_whole(link, "new\n")
    assert link.is_symlink()
    assert named.read_text() == "new\n"
    assert sorted(p.name for p in named.parent.iterdir()) == ["fleet.json"]


def test_the_old_files_permissions_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "fleet.json"
    target.write_text("old\n")
    target.chmod(0o600)
    write_whole(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == "new\n"


def test_what_is_not_a_regular_file_is_written_directly() -> None:
    assert unwritable(Path("/dev/null")) is None
    write_whole(Path("/dev/null"), "verdicts\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)  # still the device


def test_a_long_name_that_fits_is_written(tmp_path: Path) -> None:
    target = tmp_path / ("v" * 250 + ".json")
    write_whole(target, "x\n")
    assert target.read_text() == "x\n"


def test_folders_missing_on_the_way_are_made_even_behind_a_dangling_link(tmp_path: Path) -> None:
    (tmp_path / "day").symlink_to(tmp_path / "not-yet")
    target = tmp_path / "day" / "deep" / "fleet.json"
    assert unwritable(target) is None
    write_whole(target, "x\n")
    assert (tmp_path / "not-yet" / "deep" / "fleet.json").read_text() == "x\n"


def test_what_cannot_be_written_is_said(tmp_path: Path) -> None:
    in_the_way = tmp_path / "report.txt"
    in_the_way.write_text("a file")
    assert unwritable(tmp_path) == f"`{tmp_path}` is a folder"
    assert unwritable(in_the_way / "a" / "v.json") == f"`{in_the_way}` is not a folder"
    assert unwritable(tmp_path / "new" / "v.json") is None
