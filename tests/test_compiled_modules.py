"""A pytest run under PYTHONDONTWRITEBYTECODE (as this machine's and CI's environment has it)
keeps the modules it rewrites and compiles out of the source tree, in the private bytecode
folder, and the next run reads them back instead of rewriting them (the root conftest's
`_reuse_compiled_modules`): each xdist worker of the suite collects everything, every run."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.pycache import seed_pycache
from tests import _children as children
from tests._support import ROOT, pytest_command

HERE = Path(__file__).resolve()
#: A test module that imports SDKs the root conftest's own imports do not (KMS, STS).
SDK_USER = ROOT / "tests" / "fakes" / "test_windows_services.py"


@pytest.fixture(autouse=True)
def _drop_the_folders(tmp_path: Path) -> Iterator[None]:
    """Each test here seeds a bytecode folder of its own (by copy, when tmp_path is in memory:
    over 100 MB): removed after the test, not kept with pytest's last temporary folders."""
    yield
    for made in tmp_path.iterdir():
        if made.is_dir():
            shutil.rmtree(made, ignore_errors=True)


def _collect_this_file(tmp_path: Path, *also: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}
    env.update(PYTHONDONTWRITEBYTECODE="1", TMPDIR=str(tmp_path))  # the folder's parent
    done = children.run(
        pytest_command(
            "--collect-only", "-q", "-p", "no:cacheprovider", str(HERE), *map(str, also)
        ),
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"{HERE.name}::test_" in done.stdout, done.stdout[-3000:]


def _in_the_tree() -> dict[Path, int]:
    """Every compiled file in the source tree's `__pycache__` folders, with its change time."""
    found = [*ROOT.glob("__pycache__/*.pyc")]  # the root conftest's
    for folder in ("fakes", "harness", "steps", "tests", "features"):
        found += ROOT.glob(f"{folder}/**/__pycache__/*.pyc")
    return {path: path.stat().st_mtime_ns for path in found}


def test_a_run_without_bytecode_writing_keeps_its_rewritten_modules_for_the_next(tmp_path):
    tree = _in_the_tree()
    _collect_this_file(tmp_path)
    folder = tmp_path / f"runas-pycache-{os.getuid()}"
    # pytest's name for a rewritten module: the interpreter's tag, then pytest's own version
    [kept] = folder.joinpath(*HERE.parent.parts[1:]).glob(f"{HERE.stem}.*pytest*.pyc")
    [step] = folder.joinpath(*(ROOT / "steps").parts[1:]).glob("instances.*pytest*.pyc")
    written = {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in (kept, step)}
    _collect_this_file(tmp_path)
    # read back, not written again: pytest writes a new file and renames it over the old
    assert {path: (path.stat().st_ino, path.stat().st_mtime_ns) for path in written} == written
    assert _in_the_tree() == tree  # nothing written into the source tree


def test_the_installed_sdks_are_read_from_their_own_bytecode_not_compiled_into_the_folder(
    tmp_path, monkeypatch
):
    """Found by review: with the prefix set, Python reads every module's bytecode from it
    alone, so each new virtualenv compiled the SDKs' thousands of models into the folder; the
    root conftest links their own bytecode there first (harness/pycache.py `seed_pycache`). A
    fresh interpreter (not the fork server, which has imported them already) shows it: every
    SDK module's file in the folder is the installed one, with its time (a link, or a copy
    across file systems), none written by this run."""
    monkeypatch.setenv("RUNAS_TEST_FRESH_CHILDREN", "1")
    started = time.time_ns()
    _collect_this_file(tmp_path, SDK_USER)
    folder = tmp_path / f"runas-pycache-{os.getuid()}"
    compiled = [p for p in folder.rglob("*.pyc") if "site-packages" in p.parts]
    sdks = [
        p
        for p in compiled
        if p.parts[p.parts.index("site-packages") + 1].startswith("alibabacloud_")
    ]
    assert len(sdks) > 1000, len(sdks)  # the ECS SDK's models alone are over a thousand
    written_now = [p for p in compiled if p.stat().st_mtime_ns >= started]
    assert not written_now, sorted(
        {p.parts[p.parts.index("site-packages") + 1] for p in written_now}
    )
    assert list(folder.rglob("test_compiled_modules.*pytest*.pyc"))  # the switch did happen


def test_seeded_bytecode_is_where_the_interpreter_looks_and_is_read_not_compiled(tmp_path):
    """`seed_pycache` places each file at `cache_from_source`'s path under the prefix, and a
    fresh interpreter with that prefix reads it: `python -v` says `created` for each file it
    writes, and writes none for a module of a seeded folder (the ECS SDK's, the standard
    library's json), while json's import with an empty prefix compiles."""
    import json.decoder

    import alibabacloud_ecs20140526.client as sdk

    seeded = [Path(sdk.__file__).parent, Path(json.decoder.__file__).parent]
    folder = tmp_path / "prefix"
    assert seed_pycache(str(folder), map(str, seeded)) > 1000  # the ECS SDK's models
    assert seed_pycache(str(folder), map(str, seeded)) == 0  # once per folder, until it changes
    expected = (
        folder
        / Path(sdk.__file__).parent.relative_to("/")
        / Path(importlib.util.cache_from_source(sdk.__file__)).name
    )
    assert expected.is_file()

    def created(prefix: Path, imports: str) -> tuple[str, list[str]]:
        done = subprocess.run(
            [sys.executable, "-v", "-c", f"import {imports}"],
            env={**os.environ, "PYTHONPYCACHEPREFIX": str(prefix), "PYTHONDONTWRITEBYTECODE": ""},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stderr, [
            line
            for line in done.stderr.splitlines()
            if line.startswith("# created") and any(str(s) in line for s in seeded)
        ]

    read, written = created(folder, "alibabacloud_ecs20140526.client, json.decoder")
    assert f"code object from {str(expected)!r}" in read
    assert not written, written
    # without the seed, the same kind of import compiles (the standard library's json alone)
    assert len(created(tmp_path / "empty", "json.decoder")[1]) >= 2
