"""One verdict per instance, what each check on it saw, the fleet's result as JSON, and drift
against an earlier result (`--baseline previous.json`)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from harness.errors import HarnessError
from harness.files import write_whole

Verdict = Literal["exposed", "privileged", "broken", "unreachable", "verified"]
#: Worst first: an instance's verdict is the worst of what its checks saw.
VERDICTS: tuple[Verdict, ...] = ("exposed", "privileged", "broken", "unreachable", "verified")
MEANING: Mapping[Verdict, str] = {
    "exposed": "a name that must be refused ran (RAM accepted it)",
    "privileged": "an approved user can become root on the instance",
    "broken": "an approved user did not run as itself",
    "unreachable": "not checked: the reason is given",
    "verified": "every approved user ran as itself, every refused name was refused",
}
FORMAT = "runas-fleet/1"


@dataclass
class InstanceVerdict:
    """What the fleet check found on one instance: one line per check, and the verdict."""

    instance_id: str
    name: str = ""
    #: Check -> what it saw, e.g. "user01" -> "ran as user01", "root" -> "refused (Forbidden.RAM)".
    checks: dict[str, str] = field(default_factory=dict)
    #: Check -> the verdict it points to.
    marks: dict[str, Verdict] = field(default_factory=dict)

    def note(self, check: str, verdict: Verdict, what: str) -> None:
        """Record a check's outcome; a worse one already recorded for it stays."""
        old = self.marks.get(check)
        if old is not None and VERDICTS.index(old) <= VERDICTS.index(verdict):
            return
        self.marks[check] = verdict
        self.checks[check] = what

    @property
    def verdict(self) -> Verdict:
        if not self.marks:
            return "unreachable"
        return min(self.marks.values(), key=VERDICTS.index)

    @property
    def detail(self) -> str:
        """The reason for the verdict: what the checks that decided it saw."""
        if not self.marks:
            return "no check ran"
        verdict = self.verdict
        return "; ".join(f"{c}: {w}" for c, w in self.checks.items() if self.marks[c] == verdict)

    def as_json(self) -> dict[str, Any]:
        return {
            "instance_id": self.instance_id,
            "name": self.name,
            "verdict": self.verdict,
            "detail": self.detail,
            "checks": dict(self.checks),
        }


@dataclass(frozen=True)
class Change:
    """An instance whose verdict is not what the baseline said (None: it was not there)."""

    instance_id: str
    before: str | None
    after: str | None

    def line(self) -> str:
        before = self.before or "not in the baseline"
        after = self.after or "not in this run"
        return f"{self.instance_id}: {before} -> {after}"


@dataclass
class FleetResult:
    """The fleet check's outcome: the selection, every instance's verdict, how it went."""

    selection: dict[str, Any]
    users: list[str]
    refused: list[str]
    instances: list[InstanceVerdict]
    started: str = ""
    finished: str = ""
    calls: int = 0
    throttled: int = 0
    drift: list[Change] | None = None

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {v: 0 for v in VERDICTS}
        for instance in self.instances:
            counts[instance.verdict] += 1
        counts["total"] = len(self.instances)
        return counts

    def by_verdict(self, verdict: Verdict) -> list[InstanceVerdict]:
        return [i for i in self.instances if i.verdict == verdict]

    @property
    def exit_code(self) -> int:
        """0: every instance verified; 1: some way to root (exposed or privileged); 3: some
        instance broken or not checked, none exposed."""
        summary = self.summary()
        if summary["exposed"] or summary["privileged"]:
            return 1
        if summary["broken"] or summary["unreachable"]:
            return 3
        return 0

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "selection": self.selection,
            "users": self.users,
            "refused": self.refused,
            "started": self.started,
            "finished": self.finished,
            "calls": self.calls,
            "throttled": self.throttled,
            "summary": self.summary(),
            "instances": [i.as_json() for i in self.instances],
            "drift": None if self.drift is None else [vars(c) for c in self.drift],
        }

    def write(self, path: Path) -> None:
        """The JSON, written whole or not at all (`write_whole`): a run given one file as
        `--json` and `--baseline` keeps its baseline when the write fails."""
        write_whole(path, json.dumps(self.as_json(), indent=2) + "\n")


def read_baseline(path: Path) -> dict[str, str]:
    """Instance id -> verdict, from an earlier run's JSON (`--json`); a bad file is one line."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise HarnessError(f"cannot read the baseline `{path}` ({e.strerror})") from None
    except ValueError:
        raise HarnessError(
            f"the baseline `{path}` is not JSON: give a fleet run's --json"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise HarnessError(
            f"the baseline `{path}` is not a fleet result ({FORMAT}): give a fleet run's --json"
        )
    rows = data.get("instances")
    if not isinstance(rows, list) or not all(
        isinstance(r, dict) and isinstance(r.get("instance_id"), str) for r in rows
    ):
        raise HarnessError(f"the baseline `{path}` has no list of instances with their ids")
    return {str(r["instance_id"]): str(r.get("verdict", "")) for r in rows}


def drift(baseline: Mapping[str, str], now: Mapping[str, str]) -> list[Change]:
    """Every instance whose verdict changed, appeared or disappeared since the baseline
    (both: instance id -> verdict)."""
    changes = [
        Change(iid, baseline.get(iid), verdict)
        for iid, verdict in now.items()
        if baseline.get(iid) != verdict
    ]
    changes += [Change(iid, before, None) for iid, before in baseline.items() if iid not in now]
    return sorted(changes, key=lambda c: c.instance_id)


def verdicts_of(instances: Sequence[InstanceVerdict]) -> dict[str, str]:
    return {i.instance_id: i.verdict for i in instances}
