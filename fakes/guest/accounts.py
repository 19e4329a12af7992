"""Who is who on a Linux guest, read from its files as the C library reads them.

Users and groups live in `/etc/passwd` and `/etc/group`, so a file written there (SendFile) is
a new account, and a second uid-0 line is root by another name. Sudo rules live in
`/etc/sudoers` and, through its `#includedir`, in `/etc/sudoers.d/*`, read the way sudo 1.9
reads them: files whose names hold a `.` or end in `~` are skipped, and so is a file not owned
by root or writable by others (sudo says so and goes on); the last rule that matches wins.
User_Alias, Runas_Alias and Cmnd_Alias lines, host lists and Defaults are not modelled (a line
the fake cannot read grants nothing, and says so in `sudo -l`'s place: no silent grant).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from fakes.guest.files import FileSystem

#: What a fresh image holds (Alibaba Cloud Linux 3, trimmed): system accounts and groups.
BASE_PASSWD = (
    "root:x:0:0:root:/root:/bin/bash\n"
    "bin:x:1:1:bin:/bin:/sbin/nologin\n"
    "daemon:x:2:2:daemon:/sbin:/sbin/nologin\n"
    "nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\n"
)
BASE_GROUP = "root:x:0:\nbin:x:1:\ndaemon:x:2:\nwheel:x:10:\nnobody:x:65534:\n"
#: Alibaba Cloud Linux 3's /etc/sudoers, without its comments and Defaults.
BASE_SUDOERS = "root\tALL=(ALL) \tALL\n%wheel\tALL=(ALL)\tALL\n#includedir /etc/sudoers.d\n"
#: Well-known gids for the groups a test may put a user in (Debian's for sudo, adm, ...).
KNOWN_GIDS = {"sudo": 27, "adm": 4, "disk": 6, "wheel": 10, "docker": 990, "lxd": 989}

_RULE = re.compile(
    r"^(?P<who>\S+)\s+(?P<hosts>[^=\s]+)\s*=\s*(?:\((?P<runas>[^)]*)\))?\s*(?P<rest>.*)$"
)
_TAG = re.compile(r"^(NOPASSWD|PASSWD)\s*:\s*")


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    home: str


@dataclass(frozen=True)
class SudoRule:
    """One user specification: who, as whom, whether a password is asked, which commands."""

    who: tuple[str, ...]  # user names, `%group`, or `ALL`
    runas: str  # as written between the parentheses ("ALL", "ALL:ALL", "root")
    nopasswd: bool
    commands: tuple[str, ...]  # `ALL` or absolute paths
    source: str

    @property
    def listing(self) -> str:
        """The rule as `sudo -l` prints it."""
        tag = "NOPASSWD: " if self.nopasswd else ""
        return f"    ({self.runas or 'root'}) {tag}{', '.join(self.commands)}"


def _lines(text: str) -> list[list[str]]:
    return [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]


@functools.lru_cache(maxsize=256)
def _passwd(text: str) -> tuple[Account, ...]:
    """The accounts a passwd file lists. Remembered by content: every run of a command reads
    the file (who is `whoami`), and it changes only when a file is written there."""
    found = []
    for parts in _lines(text):
        if len(parts) >= 6 and parts[2].isdigit() and parts[3].isdigit():
            found.append(Account(parts[0], int(parts[2]), int(parts[3]), parts[5]))
    return tuple(found)


#: One line of /etc/group: its name, gid and members.
Group = tuple[str, int, tuple[str, ...]]


def _groups(text: str) -> tuple[Group, ...]:
    """The groups a group file lists, in order (lines without a numeric gid skipped)."""
    found = []
    for parts in _lines(text):
        if len(parts) >= 4 and parts[2].isdigit():
            found.append((parts[0], int(parts[2]), tuple(m for m in parts[3].split(",") if m)))
    return tuple(found)


def _rules_of(sources: list[tuple[str, str]]) -> list[SudoRule]:
    """The user specifications of the sudoers files read, in order."""
    rules = []
    for path, text in sources:
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith(("#", "@", "Defaults")) or "_Alias" in line:
                continue
            match = _RULE.match(line)
            if match is None:
                continue
            rest = match.group("rest")
            tag = _TAG.match(rest)
            nopasswd = bool(tag and tag.group(1) == "NOPASSWD")
            if tag:
                rest = rest[tag.end() :]
            commands = tuple(c.strip() for c in rest.split(",") if c.strip())
            who = tuple(w.strip() for w in match.group("who").split(","))
            runas = (match.group("runas") or "root").strip()
            rules.append(SudoRule(who, runas, nopasswd, commands, path))
    return rules


@dataclass(frozen=True)
class _SudoRead:
    """One reading of the sudoers: the files read (path, text), the warnings sudo prints about
    the ones it skips, and the rules, in order."""

    sources: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...]
    rules: tuple[SudoRule, ...]


@dataclass(frozen=True)
class _PasswdRead:
    """One reading of /etc/passwd: the bytes read, and its accounts in order, by name and by
    uid (the first entry of each, as a lookup down the file finds it)."""

    content: bytes | None
    accounts: tuple[Account, ...]
    by_name: dict[str, Account]
    by_uid: dict[int, str]

    @classmethod
    def of(cls, content: bytes | None) -> _PasswdRead:
        accounts = _passwd(content.decode("utf-8", "replace")) if content is not None else ()
        by_name: dict[str, Account] = {}
        by_uid: dict[int, str] = {}
        for account in accounts:
            by_name.setdefault(account.name, account)
            by_uid.setdefault(account.uid, account.name)
        return cls(content, accounts, by_name, by_uid)


class Accounts:
    """The accounts and sudo rules of one Linux guest, read from its file system."""

    def __init__(self, files: FileSystem) -> None:
        self.files = files
        self._read: _PasswdRead | None = None
        self._group_read: tuple[bytes | None, tuple[Group, ...]] | None = None
        #: The sudoers read, and its rules, at a version of the files (`FileSystem.version`).
        self._sudo_read: tuple[int, _SudoRead] | None = None

    def _passwd(self) -> _PasswdRead:
        """/etc/passwd as last read, read again whenever its content is another object: a
        write puts a new node there and bytes never change in place, so `is` tells."""
        node = self.files.get("/etc/passwd")
        content = node.content if node is not None and not node.is_dir else None
        read = self._read
        if read is None or read.content is not content:
            read = self._read = _PasswdRead.of(content)
        return read

    def users(self) -> list[Account]:
        return list(self._passwd().accounts)

    def user(self, name: str) -> Account | None:
        """The first passwd entry of that name."""
        return self._passwd().by_name.get(name)

    def whoami(self, name: str) -> str:
        """What `whoami` prints for the user of that name: the first name of its uid (root for
        any uid-0 alias), or the name itself when passwd lists no such user."""
        read = self._passwd()
        account = read.by_name.get(name)
        return name if account is None else read.by_uid.get(account.uid, str(account.uid))

    def name_of_uid(self, uid: int) -> str:
        """What `whoami` prints: the first passwd entry with the uid (root for any uid-0 alias)."""
        return self._passwd().by_uid.get(uid, str(uid))

    def groups(self) -> tuple[Group, ...]:
        """/etc/group's groups in order, each (name, gid, members), read again whenever its
        content is another object, as `_passwd` is: every run of sudo or `id` reads them."""
        node = self.files.get("/etc/group")
        content = node.content if node is not None and not node.is_dir else None
        read = self._group_read
        if read is None or read[0] is not content:
            text = content.decode("utf-8", "replace") if content is not None else ""
            read = self._group_read = (content, _groups(text))
        return read[1]

    def group_name(self, gid: int) -> str:
        return next((name for name, g, _ in self.groups() if g == gid), str(gid))

    def groups_of(self, account: Account) -> list[tuple[str, int]]:
        """The primary group first, then every group that lists the user, as `id` shows them."""
        primary = (self.group_name(account.gid), account.gid)
        extra = [
            (name, gid)
            for name, gid, members in self.groups()
            if account.name in members and gid != account.gid
        ]
        return [primary, *extra]

    # ---- making accounts (add_instance) -----------------------------------------------------

    def add_user(self, name: str, uid: int | None = None) -> None:
        if self.user(name) is not None:
            return
        used = {u.uid for u in self.users()} | {g for _, g, _ in self.groups()}
        if uid is None:
            uid = next(n for n in range(1000, 60000) if n not in used)
        gid = uid
        if uid != 0 and all(g != gid for _, g, _ in self.groups()):
            self._append("/etc/group", f"{name}:x:{gid}:\n")
        elif uid == 0:
            gid = 0
        home = "/root" if uid == 0 else f"/home/{name}"
        self._append("/etc/passwd", f"{name}:x:{uid}:{gid}::{home}:/bin/bash\n")
        if uid != 0:
            self.files.mkdir(home, name, self.group_name(gid), 0o700)

    def add_to_group(self, user: str, group: str) -> None:
        lines = self.files.text("/etc/group").splitlines()
        for i, line in enumerate(lines):
            parts = line.split(":")
            if len(parts) >= 4 and parts[0] == group:
                members = [m for m in parts[3].split(",") if m]
                if user not in members:
                    members.append(user)
                lines[i] = ":".join([*parts[:3], ",".join(members)])
                self.files.write("/etc/group", ("\n".join(lines) + "\n").encode())
                return
        used = {g for _, g, _ in self.groups()}
        gid = KNOWN_GIDS.get(group)
        if gid is None or gid in used:
            gid = next(n for n in range(980, 1, -1) if n not in used)
        self._append("/etc/group", f"{group}:x:{gid}:{user}\n")

    def _append(self, path: str, line: str) -> None:
        node = self.files.get(path)
        content = (node.content if node else b"") + line.encode()
        owner, group, mode = (
            (node.owner, node.group, node.mode) if node else ("root", "root", 0o644)
        )
        self.files.write(path, content, owner, group, mode)

    # ---- sudo -------------------------------------------------------------------------------

    def _sudo(self) -> _SudoRead:
        """The sudoers as they stand, read again whenever any file changed: every sudo reads
        them, and what they say depends on several files (the sudoers, what its includedir
        holds, their owners and modes, passwd for the owners' uids)."""
        version = self.files.version
        read = self._sudo_read
        if read is None or read[0] != version:
            sources, warnings = self._read_sudo_sources()
            rules = tuple(_rules_of(sources))
            read = self._sudo_read = (version, _SudoRead(tuple(sources), tuple(warnings), rules))
        return read[1]

    def sudo_sources(self) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
        """(path, text) of every sudoers file sudo reads, and the warnings it prints."""
        read = self._sudo()
        return read.sources, read.warnings

    def _read_sudo_sources(self) -> tuple[list[tuple[str, str]], list[str]]:
        sources = [("/etc/sudoers", self.files.text("/etc/sudoers"))]
        warnings: list[str] = []
        for line in sources[0][1].splitlines():
            match = re.match(r"^[#@]includedir\s+(\S+)", line.strip())
            if not match:
                continue
            directory = match.group(1)
            for name in self.files.children(directory):
                if "." in name or name.endswith("~"):
                    continue
                path = f"{directory.rstrip('/')}/{name}"
                node = self.files.get(path)
                if node is None or node.is_dir:
                    continue
                owner = self.user(node.owner)
                if owner is None or owner.uid != 0:
                    uid = owner.uid if owner else node.owner
                    warnings.append(f"sudo: {path} is owned by uid {uid}, should be 0")
                    continue
                if node.mode & 0o002:
                    warnings.append(f"sudo: {path} is world writable")
                    continue
                sources.append((path, node.content.decode("utf-8", "replace")))
        return sources, warnings

    def sudo_rules(self) -> list[SudoRule]:
        return list(self._sudo().rules)

    def rules_for(self, account: Account) -> list[SudoRule]:
        groups = {name for name, _ in self.groups_of(account)}

        def applies(rule: SudoRule) -> bool:
            return any(
                w == "ALL" or w == account.name or (w.startswith("%") and w[1:] in groups)
                for w in rule.who
            )

        return [r for r in self.sudo_rules() if applies(r)]
