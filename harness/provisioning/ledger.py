"""The cleanup ledger: everything the harness creates is written down before it is created
(write-ahead: its kind and exact name), confirmed once it exists, and removed in reverse order,
even when the scenario failed or the run was interrupted. A create that was interrupted between
the two writes is still removed: by the name recorded before it (a saved command, whose id the
answer brings, by its name; an AccessKey, by its user's name).

In a live run the ledger is also a file, JSON lines under the pytest cache, appended and synced
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
from typing import Any, TypeVar

from harness.errors import HarnessError
from harness.sdk.gateway import Refusal

T = TypeVar("T")

#: What each kind of resource is called in messages.
KINDS = {
    "user": "RAM user",
    "access_key": "AccessKey",
    "access_keys": "AccessKeys of RAM user",
    "policy": "policy",
    "user_policy": "attachment of policy",
    "role": "RAM role",
    "role_policy": "attachment to role of policy",
    "group_policy": "attachment to group of policy",
    "scoped_user_policy": "resource-group attachment of policy",
    "managed_policy_attachment": "Resource Manager attachment of policy",
    "parameter": "encrypted parameter",
    "instance_role": "instance role",
    "command": "saved command",
}


@dataclass(frozen=True)
class Resource:
    """One thing the harness created: enough to remove it later, and nothing secret."""

    kind: str  # a key of KINDS
    name: str  # user, policy, role, parameter or command name; AccessKey id
    owner: str = "the administrator"  # who removes it
    region: str = ""
    #: UserName, PolicyType, InstanceId...; CommandId once CreateCommand has answered.
    detail: Mapping[str, str] = field(default_factory=dict)

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
    """An append-only JSON-lines file of ledger events, each written whole and synced."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, event: Mapping[str, Any]) -> None:
        """Append one event as one `write()` of one line, so a Ctrl-C cannot split it; a line
        torn by an earlier kill is cut off first, so the file stays readable."""
        line = json.dumps({"at": datetime.now(UTC).isoformat(timespec="seconds"), **event})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            _cut_torn_line(fd)
            os.write(fd, (line + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

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
                raise self._not_an_event(number, line) from None
            try:
                entry = str(event["entry"])
                kind = event["event"]
                if kind in ("intended", "created") and "resource" in event:
                    created[entry] = Resource.from_json(event["resource"])
                elif kind in ("removed", "abandoned"):
                    created.pop(entry, None)
            except (ValueError, KeyError, TypeError, AttributeError):
                raise self._not_an_event(number, line) from None
        return list(created.items())

    def _not_an_event(self, number: int, line: str) -> HarnessError:
        return HarnessError(
            f"ledger `{self.path}` line {number} is not a ledger event: `{line[:80]}`"
        )


def _cut_torn_line(fd: int) -> None:
    """Drop a last line a kill left without its newline: it is an intent whose create never
    started, and the next event must not be glued to it."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return
    text = os.pread(fd, size, 0)  # a ledger is a few dozen lines
    os.ftruncate(fd, text.rfind(b"\n") + 1)


Remove = Callable[[Resource], None]


class UnwindAborted(KeyboardInterrupt):
    """A second Ctrl-C stopped the removal: what is left, newest first (the first may be half
    removed). A KeyboardInterrupt still, so the run stops as the person asked."""

    def __init__(self, left: list[Resource]) -> None:
        super().__init__(f"a second Ctrl-C stopped the removal: {len(left)} left to remove")
        self.left = left


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
        self.entries.append((entry, resource))  # first: an interrupt here leaves it known
        self._write("intended", entry, resource)
        return entry

    def confirm(self, entry: str, made: Resource | None = None) -> None:
        """The create answered: the resource exists, as `made` when the answer told more of
        it (a saved command's id)."""
        if made is not None:
            self.entries = [(e, made if e == entry else r) for e, r in self.entries]
        self._write("created", entry, made)

    def abandon(self, entry: str) -> None:
        """The create was refused: nothing was made."""
        self._write("abandoned", entry)  # first: an interrupt here leaves it to remove, harmlessly
        self.entries = [(e, r) for e, r in self.entries if e != entry]

    def create(
        self,
        resource: Resource,
        call: Callable[[], T],
        made: Callable[[T], Resource | None] | None = None,
    ) -> T:
        """`call()`, the create of `resource`, written ahead: a refusal abandons the entry (the
        cloud made nothing), an answer confirms it, and anything else (no answer, Ctrl-C)
        leaves it to remove by its name. `made(answer)` is the resource as the answer tells it
        (a saved command with its id), or None when the answer says nothing was made."""
        entry = self.intend(resource)
        try:
            answer = call()
        except Refusal:
            self.abandon(entry)
            raise
        if made is None:
            self.confirm(entry)
            return answer
        exists = made(answer)
        if exists is None:
            self.abandon(entry)
        else:
            self.confirm(entry, exists)
        return answer

    def __iter__(self) -> Iterator[Resource]:
        return (resource for _, resource in self.entries)

    def unwind(self) -> list[str]:
        """Remove every entry, newest first; return one line per entry that could not be.
        A KeyboardInterrupt stops it with `UnwindAborted`, naming what is left."""
        problems: list[str] = []
        failed: list[Resource] = []
        while self.entries:
            entry, resource = self.entries[-1]
            try:
                if self.remove is None:
                    raise HarnessError("no way to remove it was given")
                self.remove(resource)
            except (Refusal, HarnessError) as e:
                self.entries.pop()
                failed.append(resource)
                problems.append(f"could not remove {resource.describe()}: {e}")
                continue
            except KeyboardInterrupt:
                left = [r for _, r in reversed(self.entries)]
                raise UnwindAborted(left + failed) from None
            self.entries.pop()
            self._write("removed", entry)
        return problems
