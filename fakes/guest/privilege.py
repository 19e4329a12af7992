"""Who is root by another name on a new instance: what `FakeCloud.add_instance` and the control
plane's `POST /_fake/instances` accept beside the users, checked once in one place."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: The sudoers rules a test may give a user, as `sudoers={"ops": "NOPASSWD:ALL"}` writes them:
#: `ALL` or absolute command paths, with or without `NOPASSWD:` (`NOPASSWD: /bin/bash`).
SUDO_RULE = re.compile(r"(NOPASSWD: ?)?(ALL|/[^\s,]+(, ?/[^\s,]+)*)")
#: The fields, as the control plane spells them (the keyword arguments of `add_instance`).
FIELDS = ("sudoers", "groups", "administrators", "root_aliases", "session_manager_used")


@dataclass(frozen=True)
class GuestPrivilege:
    """`sudoers`: user -> rule (`ALL` asks a password, `NOPASSWD:ALL` does not); `groups`:
    user -> the groups it is in (Linux `sudo`, `wheel`, ...; Windows local groups);
    `administrators`: Windows users in Administrators; `root_aliases`: more uid-0 Linux names;
    `session_manager_used`: the agent's `ecs-assist-user` is already there (A40)."""

    sudoers: Mapping[str, str] = field(default_factory=dict)
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    administrators: tuple[str, ...] = ()
    root_aliases: tuple[str, ...] = ()
    session_manager_used: bool = False

    @classmethod
    def of(
        cls,
        os: str,
        *,
        sudoers: Mapping[str, str] | None = None,
        groups: Mapping[str, Iterable[str]] | None = None,
        administrators: Iterable[str] = (),
        root_aliases: Iterable[str] = (),
        session_manager_used: bool = False,
    ) -> GuestPrivilege:
        """The privilege asked for, or ValueError naming what is wrong with it."""
        sudoers = dict(sudoers or {})
        bad = [rule for rule in sudoers.values() if not SUDO_RULE.fullmatch(rule)]
        if bad:
            raise ValueError(
                f"unknown sudoers rule `{bad[0]}`: use `ALL`, `NOPASSWD:ALL` or "
                "`NOPASSWD: /absolute/path`"
            )
        linux_only = {"sudoers": sudoers, "root_aliases": list(root_aliases)}
        windows_only = {"administrators": list(administrators)}
        wrong = linux_only if os == "windows" else windows_only
        named = [name for name, value in wrong.items() if value]
        if named or (os == "windows" and session_manager_used):
            what = named[0] if named else "session_manager_used"
            raise ValueError(f"`{what}` does not apply to a {os} instance")
        return cls(
            sudoers,
            {user: tuple(member_of) for user, member_of in (groups or {}).items()},
            tuple(administrators),
            tuple(root_aliases),
            session_manager_used,
        )

    @classmethod
    def from_json(cls, os: str, spec: Mapping[str, Any]) -> GuestPrivilege:
        """The control plane's fields, type-checked (ValueError says which is wrong)."""
        sudoers, groups = spec.get("sudoers", {}), spec.get("groups", {})
        names = {
            "administrators": spec.get("administrators", []),
            "root_aliases": spec.get("root_aliases", []),
        }
        if not (isinstance(sudoers, dict) and all(isinstance(v, str) for v in sudoers.values())):
            raise ValueError("`sudoers` must be an object of user name to rule")
        if not (
            isinstance(groups, dict)
            and all(
                isinstance(v, list) and all(isinstance(g, str) for g in v) for v in groups.values()
            )
        ):
            raise ValueError("`groups` must be an object of user name to a list of group names")
        for key, value in names.items():
            if not (isinstance(value, list) and all(isinstance(n, str) for n in value)):
                raise ValueError(f"`{key}` must be a list of user names")
        used = spec.get("session_manager_used", False)
        if not isinstance(used, bool):
            raise ValueError("`session_manager_used` must be true or false")
        return cls.of(
            os,
            sudoers=sudoers,
            groups=groups,
            administrators=names["administrators"],
            root_aliases=names["root_aliases"],
            session_manager_used=used,
        )

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "sudoers": self.sudoers,
            "groups": self.groups,
            "administrators": self.administrators,
            "root_aliases": self.root_aliases,
            "session_manager_used": self.session_manager_used,
        }
