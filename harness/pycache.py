"""The folder where the suite and its child runs keep compiled modules under
PYTHONDONTWRITEBYTECODE (as this machine's and CI's environment has it), out of the source tree.

A pycache prefix (`sys.pycache_prefix`, PYTHONPYCACHEPREFIX) makes Python read every module's
bytecode from the prefix alone, the installed libraries' too: with a prefix new to a virtualenv
(every CI run makes a new one), each process compiled the SDKs' thousands of models and the
standard library into it, about 45 MB, before any could be read back. `seed_pycache` puts the
bytecode the installer and the interpreter already wrote there first. The layout is the one
`importlib.util.cache_from_source` documents for a prefix: the source folder's absolute path
under the prefix, then `<name>.<cache tag>.pyc`.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
import stat
import sys
import sysconfig
import tempfile
from collections.abc import Iterable
from pathlib import Path

#: What `seed_pycache` writes in each seeded folder's mirror once it is done: the folder's
#: modification time then, so that the folder is walked again once an install changes it.
SEEDED = ".runas-seeded"

#: Folders at the top of an installed folder that no process of the harness imports from (the
#: standard library's own tests, IDLE, Tk, 2to3; the installers): not seeded. What is missed
#: this way is compiled when imported, as without the seed.
UNIMPORTED = frozenset(
    {"test", "idlelib", "tkinter", "turtledemo", "lib2to3", "ensurepip", "pydoc_data", "pip"}
)

#: The flags of a pyc that Python checks against its source before using it (PEP 552): by the
#: source's time and size (0) or by its hash (3). An unchecked-hash pyc (1) would be used
#: whatever its source became, so it is never seeded.
CHECKED = frozenset({0, 3})


@functools.cache
def private_pycache() -> str:
    """A folder of the machine's temporary one where runs one after another keep their
    compiled modules, out of the source tree: this user's alone (made 0700; one that is not
    this user's, or that others may write to, is never used: a fresh one is made instead, once
    per process, so nobody else's bytecode is ever run). Where there are no user ids (Windows,
    whose temporary folder is the user's own), a fresh one per process. A fresh one is emptied
    when the process that made it ends (not a child forked from it), and stays, empty and this
    user's: removed, its name would be free for anyone to make again while a child that was
    handed it still runs, and fill with bytecode that child would read."""
    if not hasattr(os, "getuid"):
        return _throwaway()
    folder = Path(tempfile.gettempdir()) / f"runas-pycache-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        seen = folder.lstat()  # a link in its place is not a folder
    except OSError:
        return _throwaway()
    if not stat.S_ISDIR(seen.st_mode) or seen.st_mode & 0o022 or seen.st_uid != os.getuid():
        return _throwaway()
    return str(folder)


def _throwaway() -> str:
    folder = tempfile.mkdtemp(prefix="runas-pycache-")
    atexit.register(_empty, folder, os.getpid())
    return folder


def _empty(folder: str, owner: int) -> None:
    """Remove what is in `folder`, in the process `owner` alone (a forked child runs its
    parent's exit functions too)."""
    if os.getpid() != owner:
        return
    with contextlib.suppress(OSError), os.scandir(folder) as entries:  # gone already: done
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def installed_folders() -> list[str]:
    """Where this interpreter's installed modules are: the standard library and the
    environment's site-packages, each once."""
    paths = sysconfig.get_paths()
    return sorted({paths[name] for name in ("stdlib", "platstdlib", "purelib", "platlib")})


def seed_pycache(folder: str, sources: Iterable[str] | None = None) -> int:
    """Place in the prefix `folder` the bytecode already written beside the sources in
    `sources` (by default `installed_folders()`), each file where the interpreter looks for it
    under that prefix, so that no process compiles an installed module again. Returns how many
    files were placed. Each source folder is walked once, until its modification time changes
    (an install); a site-packages folder inside one is left to its own turn (in a virtualenv
    without the system's site-packages, the base interpreter's is not on the path at all).
    Nothing is overwritten: a file already in the prefix stays (after an upgrade, its module is
    compiled once, as without the seed), and Python checks each file against its source before
    it uses one, as it does in `__pycache__` (a stale one is compiled again and replaced by a
    new file, never written through a link); a pyc Python would not check is left out
    (`CHECKED`). Links where the two folders share a file system, complete copies moved into
    place elsewhere; a file that can be neither is left to be compiled."""
    tag = sys.implementation.cache_tag
    if tag is None:
        return 0
    suffix = f".{tag}.pyc"
    chosen = sorted(
        {os.path.abspath(s) for s in (installed_folders() if sources is None else sources)}
    )
    placed = 0
    for source in chosen:
        placed += _seed(Path(folder), Path(source), suffix, skip=set(chosen) - {source})
    return placed


def _seed(folder: Path, source: Path, suffix: str, skip: set[str]) -> int:
    mirror = folder / source.relative_to(source.anchor)
    marker = mirror / SEEDED
    try:
        changed = str(source.stat().st_mtime_ns)
    except OSError:  # no such folder here: nothing to seed
        return 0
    try:
        if marker.read_text() == changed:
            return 0
    except FileNotFoundError:
        pass
    except OSError:
        return 0
    placed = 0
    for here, subfolders, files in os.walk(source):
        subfolders[:] = [
            name
            for name in subfolders
            if name != "site-packages"
            and os.path.join(here, name) not in skip
            and not (name in UNIMPORTED and here == str(source))
        ]
        if os.path.basename(here) != "__pycache__":
            continue
        target = mirror / Path(here).parent.relative_to(source)
        for name in files:
            if name.endswith(suffix):
                placed += _place(Path(here, name), target / name)
    try:
        mirror.mkdir(parents=True, exist_ok=True)
        marker.write_text(changed)
    except OSError:
        pass  # seeded all the same; the next run walks the folder again
    return placed


def _place(compiled: Path, target: Path) -> int:
    """1 if `compiled` was linked or copied to `target`, else 0 (`target` there already,
    `compiled` not a pyc Python checks, or the file system refusing)."""
    if target.exists():
        return 0
    try:
        with compiled.open("rb") as pyc:
            header = pyc.read(8)
        if len(header) < 8 or int.from_bytes(header[4:8], "little") not in CHECKED:
            return 0
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(compiled, target)
            return 1
        except FileExistsError:  # another process of the run put it there first
            return 0
        except OSError:
            pass
        # A complete copy under a name of this process's own, then linked in, which fails
        # rather than replace a file another process put there meanwhile: no reader ever sees
        # half a file, and nothing is overwritten.
        partial = target.with_name(f"{target.name}.{os.getpid()}.seeding")
        try:
            shutil.copy2(compiled, partial)  # its time too: nothing here was compiled now
            os.link(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    except FileExistsError:
        return 0
    except OSError:
        return 0
    return 1


def prune_pycache(folder: str) -> int:
    """Remove from `private_pycache`'s folder each tree that mirrors a source folder gone since
    (a test's temporary project, a removed checkout or virtualenv): the folder mirrors every
    source path it compiled, and runs one after another would leave such trees behind for
    ever, which nothing reads again. Returns how many were removed. Only this user's own
    folder, by its name (never a pycache prefix someone chose); links in it are not followed."""
    root = Path(folder)
    if not hasattr(os, "getuid") or root.name != f"runas-pycache-{os.getuid()}":
        return 0
    removed = 0
    here = [root]
    while here:
        try:
            entries = list(os.scandir(here.pop()))
        except OSError:
            continue
        for entry in entries:
            if not entry.is_dir(follow_symlinks=False):
                continue
            source = Path("/", Path(entry.path).relative_to(root))
            try:
                still_there = source.is_dir()
            except OSError:  # not ours to look into now (EACCES): keep what we cannot judge
                continue
            if still_there:
                here.append(Path(entry.path))
                continue
            shutil.rmtree(entry.path, ignore_errors=True)
            removed += not os.path.lexists(entry.path)
    return removed
