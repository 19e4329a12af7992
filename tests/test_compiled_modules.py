"""A pytest run under PYTHONDONTWRITEBYTECODE (as this machine's and CI's environment has it)
keeps the modules it rewrites and compiles out of the source tree, in the private bytecode
folder, and the next run reads them back instead of rewriting them (the root conftest's
`_reuse_compiled_modules`): each xdist worker of the suite collects everything, every run."""

from __future__ import annotations

import os
from pathlib import Path

from tests import _children as children
from tests._support import ROOT, pytest_command

HERE = Path(__file__).resolve()
#: A test module that imports SDKs the root conftest's own imports do not (KMS, STS).
SDK_USER = ROOT / "tests" / "fakes" / "test_windows_services.py"


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
    root conftest imports them first. A fresh interpreter (not the fork server, which has
    imported them already) shows it."""
    monkeypatch.setenv("RUNAS_TEST_FRESH_CHILDREN", "1")
    _collect_this_file(tmp_path, SDK_USER)
    folder = tmp_path / f"runas-pycache-{os.getuid()}"
    compiled = [p for p in folder.rglob("*.pyc") if "site-packages" in p.parts]
    assert not [
        p
        for p in compiled
        if p.parts[p.parts.index("site-packages") + 1].startswith("alibabacloud_")
    ], sorted({p.parts[p.parts.index("site-packages") + 1] for p in compiled})
    assert list(folder.rglob("test_compiled_modules.*pytest*.pyc"))  # the switch did happen
