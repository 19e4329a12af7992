"""The guest shell's words: what a command sees and returns, and how a script splits into
statements and words, as bash does for the little it is asked to run."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class Execution:
    """What a guest command sees: its arguments, who it runs as, on which host."""

    args: tuple[str, ...]
    user: str
    hostname: str
    os: str


class ExecResult(NamedTuple):
    """What a script or a command printed and its exit status. (A tuple: one or two are made
    for every run, and a tuple is made in a fraction of a frozen dataclass's time.)"""

    output: str
    exit_code: int


CommandHandler = Callable[[Execution], ExecResult]


def split_statements(script: str) -> Iterable[tuple[int, str]]:
    """Lines, then `;` outside quotes; yields (line number, statement), comments cut off.

    As in bash, `#` starts a comment only at the start of a word: `# a; b` runs nothing and
    `echo a#b` prints `a#b`.
    """
    if "'" not in script and '"' not in script and ";" not in script and "#" not in script:
        # Nothing to look for within a line: each line is one statement, as it is.
        return enumerate(script.splitlines(), start=1)
    return _split(script)


def _split(script: str) -> Iterator[tuple[int, str]]:
    """`split_statements` character by character."""
    for number, line in enumerate(script.splitlines(), start=1):
        current: list[str] = []
        quote = ""
        for ch in line:
            if quote:
                quote = "" if ch == quote else quote
            elif ch in "'\"":
                quote = ch
            elif ch == "#" and (not current or current[-1].isspace()):
                break
            elif ch == ";":
                yield number, "".join(current)
                current = []
                continue
            current.append(ch)
        yield number, "".join(current)


_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_./=:,@+%")


def words(statement: str) -> list[str]:
    """Shell words; plain statements (no quotes, escapes or comments) skip shlex, which is slow."""
    if _PLAIN.issuperset(statement):
        return statement.split()
    return shlex.split(statement)  # comments are already cut by `split_statements`
