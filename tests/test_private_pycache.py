"""The compiled modules the suite's children keep between runs live in a folder of this user's
alone: one that others may write to (or made by someone else) is never used, so no bytecode
planted there is ever run (found by review: the folder was a fixed, shared path)."""

from __future__ import annotations

import os
import py_compile
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.backends.standin import isolated_env
from harness.pycache import SEEDED, private_pycache, prune_pycache, seed_pycache


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    private_pycache.cache_clear()  # chosen once per process: chosen again for each test here
    yield tmp_path
    private_pycache.cache_clear()


def test_the_folder_is_made_for_this_user_alone(
    temporary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)  # the suite's own, for its children
    folder = Path(private_pycache())
    assert folder == temporary / f"runas-pycache-{os.getuid()}"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    private_pycache.cache_clear()
    assert private_pycache() == str(folder)  # the next run reuses it
    assert isolated_env()["PYTHONPYCACHEPREFIX"] == str(folder)


def test_a_folder_others_may_write_to_is_never_used(temporary: Path) -> None:
    shared = temporary / f"runas-pycache-{os.getuid()}"
    shared.mkdir()
    shared.chmod(0o777)
    chosen = Path(private_pycache())
    assert chosen != shared
    assert chosen.parent == temporary
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o700


def test_a_file_in_its_place_is_never_used(temporary: Path) -> None:
    (temporary / f"runas-pycache-{os.getuid()}").write_text("not a folder")
    chosen = Path(private_pycache())
    assert chosen.is_dir()
    assert chosen.name != f"runas-pycache-{os.getuid()}"


def test_a_folder_of_this_users_that_others_may_only_read_is_used(temporary: Path) -> None:
    readable = temporary / f"runas-pycache-{os.getuid()}"
    readable.mkdir()
    readable.chmod(0o755)
    assert private_pycache() == str(readable)


def test_a_fallback_is_made_once_per_process(temporary: Path) -> None:
    (temporary / f"runas-pycache-{os.getuid()}").write_text("not a folder")
    first = private_pycache()
    assert private_pycache() == first
    assert len([p for p in temporary.iterdir() if p.is_dir()]) == 1


def test_a_fallback_is_emptied_when_its_process_ends_and_not_by_a_forked_child(
    tmp_path: Path,
) -> None:
    """Emptied, not removed: its name stays this user's while a child handed it may still
    run (found by review); and only by the process that made it, since a forked child runs
    its parent's exit functions too."""
    (tmp_path / f"runas-pycache-{os.getuid()}").write_text("not a folder")
    script = (
        "import os, sys, tempfile; tempfile.tempdir = sys.argv[1]\n"
        "from pathlib import Path\n"
        "from harness.pycache import private_pycache\n"
        "folder = Path(private_pycache())\n"
        "(folder / 'sub').mkdir()\n"
        "(folder / 'sub' / 'a.pyc').write_bytes(b'compiled')\n"
        "(folder / 'b.pyc').write_bytes(b'compiled')\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    sys.exit(0)\n"
        "os.waitpid(pid, 0)\n"
        "print(sorted(p.name for p in folder.rglob('*')))\n"
        "print(folder)\n"
    )
    after_child, made = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout.splitlines()
    assert after_child == "['a.pyc', 'b.pyc', 'sub']"  # the forked child removed nothing
    folder = Path(made)
    assert folder.parent == tmp_path
    assert folder.is_dir()
    assert not list(folder.iterdir())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_fallback_removed_by_someone_else_ends_the_process_quietly(tmp_path: Path) -> None:
    (tmp_path / f"runas-pycache-{os.getuid()}").write_text("not a folder")
    script = (
        "import shutil, sys, tempfile; tempfile.tempdir = sys.argv[1]\n"
        "from harness.pycache import private_pycache\n"
        "shutil.rmtree(private_pycache())\n"
    )
    ended = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert ended.stderr == ""


def _mirror(folder: Path, source: Path) -> Path:
    """Where a pycache prefix keeps the compiled modules of the source folder `source`."""
    return folder.joinpath(*source.parts[1:])


def test_the_trees_of_source_folders_gone_since_are_pruned_and_no_other(
    temporary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    folder = Path(private_pycache())
    kept, gone = temporary / "checkout" / "pkg", temporary / "project-of-a-test"
    kept.mkdir(parents=True)
    for source in (kept, gone / "sub"):
        _mirror(folder, source).mkdir(parents=True)
        (_mirror(folder, source) / "m.cpython-311.pyc").write_bytes(b"compiled")
    outside = temporary / "outside"
    outside.mkdir()
    (outside / "keep.pyc").write_bytes(b"not the folder's")
    (folder / "a-link").symlink_to(outside, target_is_directory=True)

    assert prune_pycache(str(folder)) == 1  # the test's project, whole, and nothing else
    assert not _mirror(folder, gone).exists()
    assert (_mirror(folder, kept) / "m.cpython-311.pyc").read_bytes() == b"compiled"
    assert (outside / "keep.pyc").exists()  # a link is not followed
    assert prune_pycache(str(folder)) == 0


def test_a_folder_that_is_not_the_private_one_is_never_pruned(temporary: Path) -> None:
    chosen = temporary / "my-prefix"  # a PYTHONPYCACHEPREFIX someone chose
    _mirror(chosen, temporary / "gone").mkdir(parents=True)
    assert prune_pycache(str(chosen)) == 0
    assert _mirror(chosen, temporary / "gone").exists()


def test_a_source_folder_it_may_not_look_into_keeps_its_tree(
    temporary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by review: a folder now closed to this user (EACCES) raised out of the suite's
    end; what cannot be judged is kept."""
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    folder = Path(private_pycache())
    closed = temporary / "closed" / "pkg"
    _mirror(folder, closed).mkdir(parents=True)
    is_dir = Path.is_dir

    def no_entry(path: Path) -> bool:
        if path == closed.parent:
            raise PermissionError(13, "Permission denied", str(path))
        return is_dir(path)

    monkeypatch.setattr(Path, "is_dir", no_entry)
    assert prune_pycache(str(folder)) == 0
    assert _mirror(folder, closed).is_dir()


#: A module's bytecode file name (`cache_from_source` would name the suite's own prefix here).
COMPILED = f"module.{sys.implementation.cache_tag}.pyc"


def _installed_like(tmp_path: Path, invalidation: py_compile.PycInvalidationMode) -> Path:
    """A folder of sources with their bytecode beside them, as an installer leaves them."""
    source = tmp_path / "installed" / "lib"
    source.mkdir(parents=True)
    module = source / "module.py"
    module.write_text("VALUE = 1\n")
    cfile = source / "__pycache__" / COMPILED
    py_compile.compile(str(module), cfile=str(cfile), invalidation_mode=invalidation)
    assert cfile.is_file()
    return source


def _mirrored(folder: Path, source: Path) -> Path:
    return folder / source.relative_to("/") / COMPILED


def test_seeding_a_folder_that_is_not_there_seeds_nothing(tmp_path: Path) -> None:
    """Found by review: a missing source folder raised (at the root conftest's import)."""
    assert seed_pycache(str(tmp_path / "prefix"), [str(tmp_path / "not-there")]) == 0


def test_seeding_never_overwrites_a_file_already_in_the_folder(tmp_path: Path) -> None:
    source = _installed_like(tmp_path, py_compile.PycInvalidationMode.TIMESTAMP)
    folder = tmp_path / "prefix"
    target = _mirrored(folder, source)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"another process's")
    assert seed_pycache(str(folder), [str(source)]) == 0
    assert target.read_bytes() == b"another process's"
    target.unlink()
    (folder / source.relative_to("/") / SEEDED).unlink()  # walked again, as after an install
    assert seed_pycache(str(folder), [str(source)]) == 1
    assert target.read_bytes() == (source / "__pycache__" / COMPILED).read_bytes()


def test_a_file_put_there_while_seeding_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by review: when another process of the run (an xdist worker) put the file there
    between the look and the link, the failed link fell back to a copy over it."""
    source = _installed_like(tmp_path, py_compile.PycInvalidationMode.TIMESTAMP)
    folder = tmp_path / "prefix"
    target = _mirrored(folder, source)
    link = os.link

    def meanwhile(src: str | Path, dst: str | Path) -> None:
        Path(dst).write_bytes(b"another process's")
        link(src, dst)

    monkeypatch.setattr(os, "link", meanwhile)
    assert seed_pycache(str(folder), [str(source)]) == 0
    assert target.read_bytes() == b"another process's"
    # nor a partial copy left behind
    assert sorted(p.name for p in target.parent.iterdir()) == sorted([target.name, SEEDED])


def test_bytecode_python_would_not_check_is_not_seeded(tmp_path: Path) -> None:
    source = _installed_like(tmp_path, py_compile.PycInvalidationMode.UNCHECKED_HASH)
    folder = tmp_path / "prefix"
    assert seed_pycache(str(folder), [str(source)]) == 0
    assert not _mirrored(folder, source).exists()
    checked = _installed_like(tmp_path / "checked", py_compile.PycInvalidationMode.CHECKED_HASH)
    assert seed_pycache(str(folder), [str(checked)]) == 1
