"""The fleet check on a terminal, with `rich`: a progress bar while it runs (instances done of
those fit to check), then a summary table, the instances that did not verify, and the drift."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from harness.fleet.verdicts import MEANING, VERDICTS, FleetResult

#: How many instances of each verdict are listed by name after the table.
LISTED = 20


class ProgressBar:
    """A `rich` progress bar for `FleetCheck`; it draws only on a terminal (`rich` hides it
    when the output is a file or a pipe)."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("verifying instances"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task("fleet", total=None)

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def start(self, total: int) -> None:
        self._progress.update(self._task, total=total)

    def advance(self, done: int) -> None:
        self._progress.advance(self._task, done)


def summary_table(result: FleetResult) -> Table:
    table = Table(title=f"fleet check: {result.summary()['total']} instance(s)")
    table.add_column("verdict")
    table.add_column("instances", justify="right")
    table.add_column("meaning")
    summary = result.summary()
    for verdict in VERDICTS:
        table.add_row(verdict, str(summary[verdict]), MEANING[verdict])
    return table


def show(console: Console, result: FleetResult) -> None:
    """The summary table, then each instance that is not verified (up to LISTED per verdict),
    then every change since the baseline."""
    console.print(summary_table(result))
    for verdict in VERDICTS[:-1]:
        found = result.by_verdict(verdict)
        for instance in found[:LISTED]:
            console.print(
                f"{verdict.upper()} {instance.instance_id}: {instance.detail}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        if len(found) > LISTED:
            console.print(f"... and {len(found) - LISTED} more {verdict} (see --json)")
    if result.drift is not None:
        if not result.drift:
            console.print("drift: no instance's verdict changed since the baseline")
        for change in result.drift:
            console.print(f"drift: {change.line()}", markup=False, highlight=False, soft_wrap=True)
    console.print(
        f"{result.calls} API call(s), {result.throttled} throttled answer(s) waited out",
        highlight=False,
    )
