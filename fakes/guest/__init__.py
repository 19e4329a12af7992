"""A simulated guest OS: its users, groups, sudo rules and files, and a tiny shell that knows who
it runs as.

The shell understands `whoami`, `id` (and `-u`, `-g`, `-G`, `-n`), `echo`, `hostname`, `true`,
`false`, `exit N`, `cat`, `sha256sum FILE`, `stat -c`, `test -e/-f/-d/-r/-w`, `ls`,
`sudo [-n] [-u U] [-l]`, and
`curl`/`wget -qO-` of the instance metadata service (fakes/guest/metadata.py), one command per
line or separated by `;`; on Windows `whoami` and `net localgroup G`. Anything
else fails as a shell would (exit 127). Tests can teach it more with `FakeCloud.on_command`.

Linux accounts are what `/etc/passwd`, `/etc/group` and the sudoers files say, so a file
written into the guest (SendFile) changes who is root. A name the OS does not have (`Root`,
` root`, `ro<U+200B>ot`, `./root`, `0`) is no account, as on a real system: Linux compares the
bytes of a name exactly, and no account lookup trims, folds or reads a name as a uid.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping

from fakes.guest.accounts import BASE_GROUP, BASE_PASSWD, BASE_SUDOERS, Account, Accounts
from fakes.guest.files import FileSystem
from fakes.guest.linux import LinuxCommands
from fakes.guest.metadata import MetadataService, curl, wget
from fakes.guest.shell import CommandHandler, ExecResult, Execution, split_statements, words

__all__ = ["CommandHandler", "ExecResult", "Execution", "Guest", "MetadataService"]

#: The user the Cloud Assistant agent makes for Session Manager, and its sudoers file
#: (aliyun/aliyun_assist_client agent/util/process/process_linux.go, `CreateLocalAdminUser`;
#: shared/reference/paths-to-root.md section 3). When it first exists is assumption A40.
SESSION_USER = "ecs-assist-user"
SESSION_SUDOERS = f"{SESSION_USER} ALL=(ALL) NOPASSWD:ALL\n"
#: The sudoers line a rule given to `add_instance(sudoers=...)` becomes.
_SUDOERS_LINE = "{user} ALL=(ALL) {rule}\n"
#: /etc/shadow as the fake's Linux images start: root's password locked (`*`) until one is set.
#: Mode 0000 (root alone reads it, by its capabilities) as on RHEL and Alibaba Cloud Linux;
#: Debian's is 0640 root:shadow (shadow(5), https://manpages.debian.org/bookworm/passwd/shadow.5).
BASE_SHADOW = "root:*:19000:0:99999:7:::\n"
#: How many of the latest runs `Guest.history` keeps at least: it holds between this many and
#: twice as many (trimmed in batches, so a run costs O(1)); `earlier_runs` counts the rest.
HISTORY_KEPT = 1000
_ADMINISTRATORS = "Administrators"
_ADMIN_COMMENT = "Administrators have complete and unrestricted access to the computer/domain"


class Guest:
    """One instance's operating system: who exists on it, what they may do, how it runs a script."""

    def __init__(
        self,
        os: str,
        hostname: str,
        users: Mapping[str, str | None],
        *,
        sudoers: Mapping[str, str] | None = None,
        groups: Mapping[str, Iterable[str]] | None = None,
        administrators: Iterable[str] = (),
        root_aliases: Iterable[str] = (),
        session_manager_used: bool = False,
    ) -> None:
        self.os = os
        self.hostname = hostname
        self.files = FileSystem()
        self.accounts = Accounts(self.files)
        #: (user, script) of the latest scripts that ran, oldest first: every one of the last
        #: HISTORY_KEPT at least (`remember`); `earlier_runs` counts those no longer in it.
        self.history: list[tuple[str, str]] = []
        self.earlier_runs = 0
        #: The same, by run-as user: a root run never vanishes from the account's picture.
        self.earlier_runs_by: Counter[str] = Counter()
        #: What answers at 100.100.100.200; None: nothing does (the instance has no network).
        self.metadata: MetadataService | None = None
        self._passwords: dict[str, str | None] = {self.default_user: None}
        #: Passwords set but not yet in effect: they take effect at the next start (A46).
        self._pending_passwords: dict[str, str] = {}
        self.local_groups: dict[str, list[str]] = {}
        if os == "linux":
            self._make_linux(users, sudoers or {}, groups or {}, root_aliases)
            if session_manager_used:
                self.make_session_user()
        else:
            self._passwords["Administrator"] = None  # built in on every Windows instance
            self.local_groups = {_ADMINISTRATORS: ["Administrator"], "Users": []}
            for name, members in (groups or {}).items():
                for member in members:
                    self.local_groups.setdefault(member, []).append(name)
            for name in administrators:
                if name not in self.local_groups[_ADMINISTRATORS]:
                    self.local_groups[_ADMINISTRATORS].append(name)
        self._passwords.update(users)
        for name in users:
            if os == "windows" and name not in self.local_groups["Users"]:
                self.local_groups["Users"].append(name)
        self._linux = LinuxCommands(self.accounts, self.files, hostname)

    def _make_linux(
        self,
        users: Mapping[str, str | None],
        sudoers: Mapping[str, str],
        groups: Mapping[str, Iterable[str]],
        root_aliases: Iterable[str],
    ) -> None:
        files = self.files
        files.write("/etc/passwd", BASE_PASSWD.encode())
        files.write("/etc/group", BASE_GROUP.encode())
        files.write("/etc/shadow", BASE_SHADOW.encode(), mode=0o000)
        files.write("/etc/sudoers", BASE_SUDOERS.encode(), mode=0o440)
        files.mkdir("/etc/sudoers.d", mode=0o750)
        files.mkdir("/root", mode=0o550)
        files.mkdir("/tmp", mode=0o777)
        for name in root_aliases:
            self.accounts.add_user(name, uid=0)
        for name in users:
            self.accounts.add_user(name)
        for name, member_of in groups.items():
            for group in member_of:
                self.accounts.add_to_group(name, group)
        for name, rule in sudoers.items():
            line = _SUDOERS_LINE.format(user=name, rule=rule.replace("NOPASSWD:", "NOPASSWD: "))
            files.write(f"/etc/sudoers.d/{name}", line.encode(), mode=0o440)

    def make_session_user(self) -> None:
        """What the agent does before a Session Manager session with no user (A40)."""
        if self.os != "linux" or self.accounts.user(SESSION_USER) is not None:
            return
        self.accounts.add_user(SESSION_USER)
        self.files.write(f"/etc/sudoers.d/{SESSION_USER}", SESSION_SUDOERS.encode(), mode=0o440)

    @property
    def default_user(self) -> str:
        return "root" if self.os == "linux" else "System"

    def user_names(self) -> list[str]:
        if self.os == "linux":
            return [u.name for u in self.accounts.users()]
        return list(self._passwords)

    def canonical_user(self, name: str) -> str | None:
        """The user as the OS knows it; Windows account names ignore case, Linux ones do not."""
        if self.os == "linux":
            return name if self.accounts.user(name) is not None else None
        for known in self._passwords:
            if known.lower() == name.lower():
                return known
        return None

    def password_matches(self, user: str, password: str) -> bool:
        known = self._passwords.get(user)
        return known is not None and known == password

    def set_password(self, user: str, password: str) -> None:
        """A new logon password (ModifyInstanceAttribute sets root's or Administrator's), in
        effect from the next start (A46)."""
        self._pending_passwords[user] = password

    def start(self) -> None:
        """The OS starts again: the passwords set meanwhile take effect; on Linux each becomes
        the account's entry in /etc/shadow."""
        pending, self._pending_passwords = self._pending_passwords, {}
        for user, password in pending.items():
            self._passwords[user] = password
            if self.os == "linux":
                self._shadow(user, password)

    def _shadow(self, user: str, password: str) -> None:
        """Writes the user's /etc/shadow entry. The hash is shaped like SHA-512 crypt (`$6$`,
        a fresh salt) but is a plain salted SHA-512: nothing checks it but the fake itself."""
        salt = secrets.token_hex(8)
        digest = hashlib.sha512((salt + password).encode()).digest()
        hashed = f"$6${salt}${base64.b64encode(digest).decode().rstrip('=')}"
        node = self.files.get("/etc/shadow")
        lines = node.content.decode().splitlines() if node is not None else []
        kept = [line for line in lines if line.split(":", 1)[0] != user]
        entry = f"{user}:{hashed}:19000:0:99999:7:::"
        self.files.write("/etc/shadow", "\n".join([entry, *kept]).encode() + b"\n", mode=0o000)

    def is_administrator(self, user: str) -> bool:
        """Whether a Windows user is in the local Administrators group (System always is)."""
        known = self.canonical_user(user)
        return known == "System" or known in self.local_groups.get(_ADMINISTRATORS, [])

    def identity(self, user: str) -> str:
        """What `whoami` prints: `user01` on Linux (root for any uid-0 name), `host\\user01` on
        Windows."""
        if self.os == "linux":
            return self.accounts.whoami(user)
        if user == "System":
            return "nt authority\\system"
        return f"{self.hostname.lower()}\\{user.lower()}"

    def remember(self, user: str, script: str) -> None:
        """Add a run to `history`, forgetting the oldest once it holds 2 x HISTORY_KEPT."""
        history = self.history
        history.append((user, script))
        if len(history) >= 2 * HISTORY_KEPT:
            forgotten = history[:-HISTORY_KEPT]
            self.earlier_runs += len(forgotten)
            self.earlier_runs_by.update(who for who, _ in forgotten)
            del history[:-HISTORY_KEPT]

    def run(
        self, script: str, user: str, handlers: Mapping[str, CommandHandler] | None = None
    ) -> ExecResult:
        self.remember(user, script)
        output: list[str] = []
        status = 0
        for number, statement in split_statements(script):
            try:
                parts = words(statement)
            except ValueError as e:
                output.append(f"bash: line {number}: syntax error: {e}\n")
                return ExecResult("".join(output), 2)
            if not parts:
                continue
            name, args = parts[0], tuple(parts[1:])
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
        if name == "echo":
            return ExecResult(" ".join(args) + "\n", 0)  # a bare `echo` prints an empty line
        if name == "hostname" and not args:
            return ExecResult(self.hostname, 0)
        if name in ("true", "false") and not args:
            return ExecResult("", 0 if name == "true" else 1)
        if self.os == "windows":
            if name.lower() == "net" and len(args) == 2 and args[0].lower() == "localgroup":
                return self._localgroup(args[1])
            return ExecResult(
                f"'{name}' is not recognized as an internal or external command,\n"
                "operable program or batch file.",
                1,
            )
        if name in ("curl", "wget"):  # any local user may read the metadata service
            return (curl if name == "curl" else wget)(args, self.metadata)
        account = self.accounts.user(user)
        linux = self._linux
        if account is not None:
            if name == "id":
                return linux.id(account, args)
            if name == "sudo":
                return linux.sudo(account, args, lambda n, a, u: self._one(n, a, u, line, handlers))
            simple = {
                "cat": linux.cat,
                "stat": linux.stat,
                "test": linux.test,
                "ls": linux.ls,
                "sha256sum": linux.sha256sum,
            }
            if name in simple:
                return simple[name](account, args)
        return ExecResult(f"bash: line {line}: {name}: command not found", 127)

    def _localgroup(self, group: str) -> ExecResult:
        found = next((g for g in self.local_groups if g.lower() == group.lower()), None)
        if found is None:
            return ExecResult("The specified local group does not exist.\n", 2)
        comment = _ADMIN_COMMENT if found == _ADMINISTRATORS else ""
        members = "\n".join(self.local_groups[found])
        rule = "-" * 79
        return ExecResult(
            f"Alias name     {found.lower()}\nComment        {comment}\n\nMembers\n\n{rule}\n"
            f"{members}\nThe command completed successfully.\n",
            0,
        )


def linux_account(guest: Guest, name: str) -> Account | None:
    """The Linux account of that name, for a test that looks inside."""
    return guest.accounts.user(name)
