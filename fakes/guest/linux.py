"""The Linux commands that tell privilege: `id`, `cat`, `sha256sum`, `stat -c`, `test`, `ls` and
`sudo`, with GNU coreutils' and sudo 1.9's output and exit codes. Options the fake does not know are
refused by name (exit 2), never guessed: a check must not pass because the fake could not run it.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable

from fakes.guest.accounts import Account, Accounts
from fakes.guest.files import FileSystem, Node, normal
from fakes.guest.shell import ExecResult

#: Runs one command (name, args) as a user: how `sudo` hands its command back to the shell.
RunAs = Callable[[str, tuple[str, ...], str], ExecResult]


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _not_modelled(name: str, args: tuple[str, ...]) -> ExecResult:
    shown = " ".join((name, *args))
    return ExecResult(f"{name}: the fake guest does not model `{shown}`", 2)


class LinuxCommands:
    """The commands of one guest, over its accounts and files."""

    def __init__(self, accounts: Accounts, files: FileSystem, hostname: str) -> None:
        self.accounts = accounts
        self.files = files
        self.hostname = hostname

    # ---- permission checks -------------------------------------------------------------------

    def _may(self, who: Account, node: Node, bit: int) -> bool:
        """`bit` is 4 (read), 2 (write) or 1 (search/execute), checked as the kernel does."""
        if who.uid == 0:
            return True
        groups = {name for name, _ in self.accounts.groups_of(who)}
        if node.owner == who.name:
            return bool(node.mode & (bit << 6))
        if node.group in groups:
            return bool(node.mode & (bit << 3))
        return bool(node.mode & bit)

    def _reach(self, who: Account, path: str) -> tuple[Node | None, str]:
        """The node at `path` and "", or None and why not (`Permission denied`, `No such ...`)."""
        path = normal(path)
        parts = path.strip("/").split("/") if path != "/" else []
        current = "/"
        for part in parts[:-1]:
            current = posixpath.join(current, part)
            node = self.files.get(current)
            if node is None:
                return None, "No such file or directory"
            if not node.is_dir:
                return None, "Not a directory"
            if not self._may(who, node, 1):
                return None, "Permission denied"
        node = self.files.get(path)
        if node is None:
            return None, "No such file or directory"
        return node, ""

    # ---- the commands -----------------------------------------------------------------------

    def id(self, who: Account, args: tuple[str, ...]) -> ExecResult:
        flags = "".join(a[1:] for a in args if a.startswith("-") and len(a) > 1)
        names = [a for a in args if not a.startswith("-")]
        if set(flags) - set("ugGn") or len(names) > 1:
            return _not_modelled("id", args)
        if names:
            found = self.accounts.user(names[0])
            if found is None:
                return ExecResult(f"id: '{names[0]}': no such user", 1)
            who = found
        groups = self.accounts.groups_of(who)
        named = "n" in flags
        if "u" in flags:
            return ExecResult(self.accounts.name_of_uid(who.uid) if named else str(who.uid), 0)
        if "g" in flags:
            return ExecResult(groups[0][0] if named else str(groups[0][1]), 0)
        if "G" in flags:
            return ExecResult(" ".join(n if named else str(g) for n, g in groups), 0)
        if named:
            return ExecResult("id: cannot print only names or real IDs in default format", 1)
        listed = ",".join(f"{g}({n})" for n, g in groups)
        name = self.accounts.name_of_uid(who.uid)
        return ExecResult(
            f"uid={who.uid}({name}) gid={groups[0][1]}({groups[0][0]}) groups={listed}", 0
        )

    def cat(self, who: Account, args: tuple[str, ...]) -> ExecResult:
        if any(a.startswith("-") for a in args):
            return _not_modelled("cat", args)
        return self._each_file(
            who, "cat", args, lambda node, _: node.content.decode("utf-8", "replace")
        )

    def _each_file(
        self, who: Account, command: str, paths: tuple[str, ...], show: Callable[[Node, str], str]
    ) -> ExecResult:
        """What a command that reads each file prints: `show(file, path)` for each readable one,
        the complaint for each other one (then it exits 1)."""
        out: list[str] = []
        status = 0
        for path in paths:
            node, refused = self._read(who, command, path)
            if node is None:
                out.append(refused)
                status = 1
                continue
            out.append(show(node, path))
        return ExecResult("".join(out), status)

    def _read(self, who: Account, command: str, path: str) -> tuple[Node | None, str]:
        """The file a command reads, or None and its complaint (`cat: P: Permission denied`)."""
        node, why = self._reach(who, path)
        if node is not None and node.is_dir:
            why = "Is a directory"
        elif node is not None and not self._may(who, node, 4):
            why = "Permission denied"
        if why or node is None:
            return None, f"{command}: {path}: {why}\n"
        return node, ""

    def sha256sum(self, who: Account, args: tuple[str, ...]) -> ExecResult:
        """`sha256sum FILE...`: each readable file's digest, as coreutils prints it."""
        if not args or any(a.startswith("-") for a in args):
            return _not_modelled("sha256sum", args)
        return self._each_file(
            who, "sha256sum", args, lambda node, path: f"{_sha256(node.content)}  {path}\n"
        )

    def stat(self, who: Account, args: tuple[str, ...]) -> ExecResult:
        if len(args) < 3 or args[0] != "-c":
            return _not_modelled("stat", args)
        form, paths = args[1], args[2:]
        lines, status = [], 0
        for path in paths:
            node, why = self._reach(who, path)
            if node is None:
                lines.append(f"stat: cannot statx '{path}': {why}")
                status = 1
                continue
            owner = self.accounts.user(node.owner)
            values = {
                "%U": node.owner,
                "%G": node.group,
                "%a": format(node.mode, "o"),
                "%n": path,
                "%u": str(owner.uid if owner else node.owner),
                "%F": "directory" if node.is_dir else "regular file",
            }
            line = form
            for key, value in values.items():
                line = line.replace(key, value)
            lines.append(line)
        return ExecResult("\n".join(lines), status)

    def test(self, who: Account, args: tuple[str, ...]) -> ExecResult:
        if len(args) != 2 or args[0] not in ("-e", "-f", "-d", "-r", "-w"):
            return _not_modelled("test", args)
        node, _ = self._reach(who, args[1])
        if node is None:
            return ExecResult("", 1)
        check = {
            "-e": True,
            "-f": not node.is_dir,
            "-d": node.is_dir,
            "-r": self._may(who, node, 4),
            "-w": self._may(who, node, 2),
        }[args[0]]
        return ExecResult("", 0 if check else 1)

    def ls(self, who: Account, args: tuple[str, ...]) -> ExecResult:
        if any(a.startswith("-") for a in args):
            return _not_modelled("ls", args)
        out, status = [], 0
        for path in args or (who.home,):
            node, why = self._reach(who, path)
            if node is None:
                out.append(f"ls: cannot access '{path}': {why}")
                status = 2
            elif not node.is_dir:
                out.append(path)
            elif not self._may(who, node, 4):
                out.append(f"ls: cannot open directory '{path}': Permission denied")
                status = 2
            else:
                out.extend(self.files.children(path))
        return ExecResult("\n".join(out), status)

    def sudo(self, who: Account, args: tuple[str, ...], run: RunAs) -> ExecResult:
        """`sudo [-n] [-u user] (-l | command...)`. Without `-n` there is no terminal to ask a
        password on, as under Cloud Assistant, so sudo fails the same way once one is needed."""
        non_interactive, target, listing = False, "root", False
        rest = list(args)
        while rest and rest[0].startswith("-"):
            option = rest.pop(0)
            if option == "-n":
                non_interactive = True
            elif option == "-l":
                listing = True
            elif option == "-u" and rest:
                target = rest.pop(0)
            elif option == "--":
                break
            else:
                return _not_modelled("sudo", args)
        _, warnings = self.accounts.sudo_sources()
        prefix = "".join(w + "\n" for w in warnings)
        rules = self.accounts.rules_for(who)
        # `-l` needs any of the user's rules to be NOPASSWD (sudoers' `listpw`, default `any`);
        # a command needs the last rule that allows it to be: sudo asks for the password before
        # it tells a command is not allowed, so a command no rule allows needs one too
        # (https://www.sudo.ws/docs/man/sudoers.man/).
        command = rest[0] if rest else ""
        path = command if command.startswith("/") else f"/usr/bin/{command}"
        if listing:
            passwordless = any(r.nopasswd for r in rules)
        elif command:
            allowing = [
                r for r in rules if any(c in ("ALL", path, f"/bin/{command}") for c in r.commands)
            ]
            passwordless = bool(allowing) and allowing[-1].nopasswd
        else:
            passwordless = bool(rules) and rules[-1].nopasswd
        if who.uid != 0 and not passwordless:
            ask = (
                "sudo: a password is required"
                if non_interactive
                else "sudo: a terminal is required to read the password; either use the -S "
                "option to read from standard input or configure an askpass helper\n"
                "sudo: a password is required"
            )
            return ExecResult(prefix + ask, 1)
        if listing:
            shown = "\n".join(r.listing for r in rules) if rules else ""
            text = f"User {who.name} may run the following commands on {self.hostname}:\n{shown}"
            return ExecResult(prefix + text, 0)
        if not command:
            return ExecResult(prefix + "usage: sudo -h | -K | -k | -V", 1)
        if self.accounts.user(target) is None:
            return ExecResult(prefix + f"sudo: unknown user {target}", 1)
        result = run(posixpath.basename(command), tuple(rest[1:]), target)
        return ExecResult(prefix + result.output, result.exit_code)
