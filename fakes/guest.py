"""A simulated guest OS: its users and a tiny shell that knows who it runs as.

The interpreter understands `whoami`, `id -un`, `echo`, `hostname`, `true`, `false` and `exit N`,
one command per line or separated by `;`. Anything else fails as a shell would (exit 127).
Tests can teach it more with `FakeCloud.on_command`.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Execution:
    """What a guest command sees: its arguments, who it runs as, on which host."""

    args: tuple[str, ...]
    user: str
    hostname: str
    os: str


@dataclass(frozen=True)
class ExecResult:
    output: str
    exit_code: int


CommandHandler = Callable[[Execution], ExecResult]


def _split_statements(script: str) -> Iterable[tuple[int, str]]:
    """Lines, then `;` outside quotes; yields (line number, statement), comments cut off.

    As in bash, `#` starts a comment only at the start of a word: `# a; b` runs nothing and
    `echo a#b` prints `a#b`.
    """
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


def _words(statement: str) -> list[str]:
    """Shell words; plain statements (no quotes, escapes or comments) skip shlex, which is slow."""
    if _PLAIN.issuperset(statement):
        return statement.split()
    return shlex.split(statement)  # comments are already cut by `_split_statements`


class Guest:
    """One instance's operating system: who exists on it, and how it runs a script."""

    def __init__(self, os: str, hostname: str, users: Mapping[str, str | None]) -> None:
        self.os = os
        self.hostname = hostname
        default = self.default_user
        self._users: dict[str, str | None] = {default: None, **users}
        self.history: list[tuple[str, str]] = []  # (user, script), every script that ran

    @property
    def default_user(self) -> str:
        return "root" if self.os == "linux" else "System"

    def canonical_user(self, name: str) -> str | None:
        """The user as the OS knows it; Windows account names ignore case, Linux ones do not."""
        if name in self._users:
            return name
        if self.os == "windows":
            for known in self._users:
                if known.lower() == name.lower():
                    return known
        return None

    def password_matches(self, user: str, password: str) -> bool:
        return self._users.get(user) == password

    def identity(self, user: str) -> str:
        """What `whoami` prints: `user01` on Linux, `host\\user01` on Windows."""
        if self.os == "linux":
            return user
        if user == "System":
            return "nt authority\\system"
        return f"{self.hostname.lower()}\\{user.lower()}"

    def run(
        self, script: str, user: str, handlers: Mapping[str, CommandHandler] | None = None
    ) -> ExecResult:
        self.history.append((user, script))
        output: list[str] = []
        status = 0
        for number, statement in _split_statements(script):
            try:
                words = _words(statement)
            except ValueError as e:
                output.append(f"bash: line {number}: syntax error: {e}\n")
                return ExecResult("".join(output), 2)
            if not words:
                continue
            name, args = words[0], tuple(words[1:])
            if name == "exit":
                code = int(args[0]) if args and args[0].lstrip("-").isdigit() else status
                return ExecResult("".join(output), code % 256)
            result = self._one(name, args, user, number, handlers or {})
            if result.output:  # what a command prints ends its line, as on a terminal
                output.append(result.output.rstrip("\n") + "\n")
            status = result.exit_code
        return ExecResult("".join(output), status)

    def _one(
        self,
        name: str,
        args: tuple[str, ...],
        user: str,
        line: int,
        handlers: Mapping[str, CommandHandler],
    ) -> ExecResult:
        if name in handlers:
            return handlers[name](Execution((name, *args), user, self.hostname, self.os))
        if name == "whoami" and not args:
            return ExecResult(self.identity(user), 0)
        if name == "id" and args in (("-un",), ("-u", "-n"), ("-nu",)):
            return ExecResult(user, 0)
        if name == "echo":
            return ExecResult(" ".join(args) + "\n", 0)  # a bare `echo` prints an empty line
        if name == "hostname" and not args:
            return ExecResult(self.hostname, 0)
        if name in ("true", "false") and not args:
            return ExecResult("", 0 if name == "true" else 1)
        if self.os == "windows":
            return ExecResult(
                f"'{name}' is not recognized as an internal or external command,\n"
                "operable program or batch file.",
                1,
            )
        return ExecResult(f"bash: line {line}: {name}: command not found", 127)
