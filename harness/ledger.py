"""The cleanup ledger: everything the harness creates is written down the moment it exists and
undone in reverse order, even when the scenario failed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from harness.api import Refusal
from harness.errors import HarnessError


@dataclass
class CleanupLedger:
    entries: list[tuple[str, Callable[[], None]]] = field(default_factory=list)

    def record(self, what: str, undo: Callable[[], None]) -> None:
        self.entries.append((what, undo))

    def unwind(self) -> list[str]:
        """Undo every entry, newest first; return one line per entry that could not be undone."""
        problems = []
        while self.entries:
            what, undo = self.entries.pop()
            try:
                undo()
            except (Refusal, HarnessError) as e:
                problems.append(f"could not remove {what}: {e}")
        return problems
