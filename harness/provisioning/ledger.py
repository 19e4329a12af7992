"""The cleanup ledger: everything the harness creates is written down before it is created
(write-ahead: its kind and exact name), confirmed once it exists, and removed in reverse order,
even when the scenario failed or the run was interrupted. A create that was interrupted between
the two writes is still removed: by the name recorded before it.

In a live run the ledger is also a file, JSON lines under the pytest cache, appended and flushed
at each step (`intended`, `created`, `abandoned`, `removed`), so `python -m harness cleanup` can
finish the job after a crash. It holds names and ids only, never a secret.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.sdk.gateway import Refusal

#: What each kind of resource is called in messages.
KINDS = {
    "user": "RAM user",
    "access_key": "AccessKey",
    "policy": "policy",
    "user_policy": "attachment of policy",
    "role": "RAM role",
    "role_policy": "attachment to role of policy",
    "parameter": "encrypted parameter",
    "instance_role": "instance role",
    "command": "saved command",
}


@dataclass(frozen=True)
class Resource:
    """One thing the harness created: enough to remove it later, and nothing secret."""

    kind: str  # a key of KINDS
    name: str  # user, policy, role or parameter name; AccessKey or command id
    owner: str = "the administrator"  # who removes it
    region: str = ""
    detail: Mapping[str, str] = field(default_factory=dict)  # UserName, PolicyType, InstanceId...

    def describe(self) -> str:
        text = f"{KINDS.get(self.kind, self.kind)} `{self.name}`"
        if self.kind in ("access_key", "user_policy"):
            text += f" of `{self.detail.get('UserName', '?')}`"
        if self.kind == "role_policy":
            text += f" on `{self.detail.get('RoleName', '?')}`"
        if self.kind == "instance_role":
            text += f" on `{self.detail.get('InstanceId', '?')}`"
        if self.region and self.kind in ("parameter", "command"):
            text += f" in {self.region}"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "owner": self.owner,
            "region": self.region,
            "detail": dict(self.detail),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Resource:
        return cls(
            kind=str(data["kind"]),
            name=str(data["name"]),
            owner=str(data.get("owner", "the administrator")),
            region=str(data.get("region", "")),
            detail={str(k): str(v) for k, v in dict(data.get("detail", {})).items()},
        )


class LedgerFile:
    """An append-only JSON-lines file: `created` and `removed` events, flushed one by one."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, event: Mapping[str, Any]) -> None:
        line = json.dumps({"at": datetime.now(UTC).isoformat(timespec="seconds"), **event})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())

    def outstanding(self) -> list[tuple[str, Resource]]:
        """What was (or may have been) created and not removed, oldest first, as (entry id,
        resource). A last line cut short by a crash is ignored: it was never flushed whole."""
        created: dict[str, Resource] = {}
        lines = self.path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except ValueError:
                if number == len(lines):
                    break  # torn by a kill while writing: its create had not started
                raise HarnessError(
                    f"ledger `{self.path}` line {number} is not a ledger event: `{line[:80]}`"
                ) from None
            try:
                entry = str(event["entry"])
                kind = event["event"]
                if kind in ("intended", "created") and "resource" in event:
                    created[entry] = Resource.from_json(event["resource"])
                elif kind in ("removed", "abandoned"):
                    created.pop(entry, None)
            except (ValueError, KeyError, TypeError):
                raise HarnessError(
                    f"ledger `{self.path}` line {number} is not a ledger event: `{line[:80]}`"
                ) from None
        return list(created.items())


Remove = Callable[[Resource], None]


@dataclass
class CleanupLedger:
    """What one scenario created (or was creating), newest last; `unwind` removes it all,
    newest first."""

    remove: Remove | None = None  # how to remove a resource (set by the world)
    file: LedgerFile | None = None
    scenario: str = ""
    entries: list[tuple[str, Resource]] = field(default_factory=list)
    _count: int = 0

    def _write(self, event: str, entry: str, resource: Resource | None = None) -> None:
        if self.file is not None:
            line: dict[str, Any] = {"event": event, "entry": entry}
            if resource is not None:
                line["resource"] = resource.to_json()
            self.file.write(line)

    def intend(self, resource: Resource) -> str:
        """Before a create: its kind and exact name, so that an interrupted create is still
        removed. Returns the entry to `confirm` or `abandon`."""
        self._count += 1
        entry = f"{self.scenario}#{self._count}"
        self._write("intended", entry, resource)
        self.entries.append((entry, resource))
        return entry

    def confirm(self, entry: str) -> None:
        """The create answered: the resource exists."""
        self._write("created", entry)

    def abandon(self, entry: str) -> None:
        """The create was refused: nothing was made."""
        self.entries = [(e, r) for e, r in self.entries if e != entry]
        self._write("abandoned", entry)

    def record(self, resource: Resource) -> None:
        """A resource whose name was known only from the create's answer (an AccessKey id)."""
        self._count += 1
        entry = f"{self.scenario}#{self._count}"
        self._write("created", entry, resource)
        self.entries.append((entry, resource))

    def __iter__(self) -> Iterator[Resource]:
        return (resource for _, resource in self.entries)

    def unwind(self) -> list[str]:
        """Remove every entry, newest first; return one line per entry that could not be."""
        problems = []
        while self.entries:
            entry, resource = self.entries.pop()
            try:
                if self.remove is None:
                    raise HarnessError("no way to remove it was given")
                self.remove(resource)
            except (Refusal, HarnessError) as e:
                problems.append(f"could not remove {resource.describe()}: {e}")
                continue
            self._write("removed", entry)
        return problems
