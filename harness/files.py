"""Files the harness writes for a person to keep (the fleet's verdicts): refused before a run
when they could not be written, and written whole or not at all, so a long run's evidence is
neither lost at its end nor left half-written over the file it replaces."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path


def unwritable(path: Path) -> str | None:
    """Why `path` could not be written (`write_whole`), or None when it could. Links are
    followed, as the write follows them; folders missing on the way are made by the write."""
    target = path.resolve()
    if target.is_dir():
        return f"`{path}` is a folder"
    if target.exists():  # replaced beside it, or written in place (`write_whole`)
        return None if os.access(target, os.W_OK) else f"`{target}` is not writable"
    folder = target.parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return f"`{folder}` is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"`{folder}` is not writable"
    return None


def write_whole(path: Path, text: str) -> None:
    """Write `text` to `path` (through a link, to what it names): into a new file beside it,
    synced, given the old file's permission bits, then put in its place, so a failure leaves
    the old file as it was and nothing beside it. What is not a regular file (a terminal, a
    pipe) is written directly, as is a file this user may write in a folder they may not."""
    target = path.resolve()
    if target.exists() and (
        not stat.S_ISREG(target.stat().st_mode) or not os.access(target.parent, os.W_OK | os.X_OK)
    ):
        with target.open("w", encoding="utf-8") as out:
            out.write(text)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".runas-{secrets.token_hex(6)}.tmp")  # short: any name fits
    out = temporary.open("x", encoding="utf-8")  # made new here: never another's file
    try:
        with out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
