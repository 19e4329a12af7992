"""Cloud Assistant's execution records: the invocations the service keeps, indexed so that a
DescribeInvocations or DescribeInvocationResults page costs what the page costs, not what the
account holds, and forgotten as the service forgets them.

The DescribeInvocations API reference: "You can query execution information from the last 30
days. A maximum of 10,000 execution records are retained" (https://www.alibabacloud.com/help/en/
ecs/developer-reference/api-ecs-2014-05-26-describeinvocations, updated Jun 26, 2026; older
copies said four weeks and 100,000). The fake keeps an invocation 30 days on the virtual clock
from its creation and at most `limit` of them, forgetting the oldest completed ones first
(A100); an invocation that may still change (pending, running, or a task with runs to come) is
never forgotten. A forgotten invocation is as if it never was (A101).

An invocation whose status can still change on the clock is *live*: it is matched one by one at
each read. Once nothing can change it (every target final, no run to come) it is *fixed* and
goes into the indexes, keyed by region, instance, command and status. Live ones are few (those
of the last few ticks, and the tasks still scheduled), so a read costs O(live + page). A fixed
invocation is indexed by the first read that walks an index after it was fixed, not before: a
read by InvokeId, the common poll, walks none, so a run read only that way is never indexed; a
read that walks one pays once for what was fixed since the last such read.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from fakes.services.ecs.state import Invocation, Target, legacy_of

#: How long the service keeps an execution record (the API reference above).
RETENTION = timedelta(days=30)
#: How many execution records the service keeps at most (the API reference above).
MAX_RECORDS = 10_000
#: Row keys of DescribeInvocationResults: an invocation's sequence number times this, plus the
#: target's place counted down, so that keys run newest invocation first, targets in order.
_ROW_SPAN = 1 << 20

Key = tuple[str, ...]
#: What a fixed invocation was indexed with: its distinct DescribeInvocations statuses, and each
#: target's distinct DescribeInvocationResults statuses.
_Shape = tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]
#: The status tuples (and one-target shapes) every fixed invocation shares: a few dozen at
#: most, as statuses come from a fixed set, so an indexed invocation keeps no tuple of its own.
_STATUSES: dict[tuple[str, str], tuple[str, ...]] = {}
_SHAPES: dict[_Shape, _Shape] = {}


def _statuses(first: str, second: str) -> tuple[str, ...]:
    """The two statuses, once each (a set's members, shared)."""
    found = _STATUSES.get((first, second))
    if found is None:
        found = _STATUSES[(first, second)] = (first,) if first == second else (first, second)
    return found


def target_statuses(target: Target, now: datetime) -> tuple[str, str]:
    """A DescribeInvocationResults row's `InvocationStatus` and `InvokeRecordStatus`."""
    status = target.status(now)
    return status, ("Running" if status in ("Pending", "Running") else "Finished")


def invocation_statuses(invocation: Invocation, now: datetime) -> tuple[str, str]:
    """A DescribeInvocations entry's `InvocationStatus` and (legacy) `InvokeStatus`."""
    overall = invocation.overall(now)
    return overall, legacy_of(overall)


class Query(NamedTuple):
    """What a read asks for: every field None means any. (Tuples: made at every read.)"""

    region: str
    invoke_id: str | None = None
    command_id: str | None = None
    instance_id: str | None = None
    status: str | None = None


class Page(NamedTuple):
    """One page of a read: its items (invocations, or (invocation, target) rows), how many
    match in all, and the token of the page after it ("" when this is the last)."""

    items: list[Any]
    total: int
    next_token: str


class InvocationRecords:
    """The invocations kept, by id (`by_id`, the dict the ECS state shares), and their indexes."""

    def __init__(self, limit: int | None = MAX_RECORDS, retention: timedelta = RETENTION) -> None:
        if limit is not None and limit < 1:
            raise ValueError(f"the invocation limit must be at least 1, not `{limit}`")
        self.limit = limit
        self.retention = retention
        self.by_id: dict[str, Invocation] = {}
        self._seq: dict[str, int] = {}
        self._by_seq: dict[int, Invocation] = {}
        self._next = 1
        self._live: dict[int, Invocation] = {}
        #: Ascending: oldest first, the order they are forgotten in (a deque: the oldest leaves
        #: from the front in O(1) however many are kept).
        self._fixed: deque[int] = deque()
        self._runs: dict[Key, list[int]] = {}  # DescribeInvocations: key -> ascending seqs
        self._rows: dict[Key, list[int]] = {}  # DescribeInvocationResults: key -> row keys
        self._keys: dict[int, _Shape] = {}  # seq -> the statuses it was indexed with
        #: Fixed but not indexed yet, with a moment it was fixed at: indexed by the first read
        #: that walks an index (`_indexed`), so a run only ever read by its InvokeId, as most
        #: are, costs no indexing at all.
        self._backlog: dict[int, datetime] = {}
        self._snapshots: dict[int, dict[str, Any]] = {}
        #: When the oldest kept invocation was made (None: not known yet): until the retention
        #: has passed since, nothing kept is past it. Seqs are given in creation order
        #: (`add` gets each invocation as the clock, which never goes back, made it), so the
        #: oldest kept is the first of `_by_seq`, which changes only when `_trim` forgets, and
        #: `_trim` sets this again each time it looks.
        self._oldest_made: datetime | None = None
        #: Called with each invocation as it is forgotten (the ECS state drops what it holds).
        self.on_forget: Callable[[Invocation], None] = lambda invocation: None

    def __len__(self) -> int:
        return len(self.by_id)

    # ---- the life of a record ---------------------------------------------------------------

    def add(self, invocation: Invocation) -> None:
        seq = self._next
        self._next += 1
        self.by_id[invocation.invoke_id] = invocation
        self._seq[invocation.invoke_id] = seq
        self._by_seq[seq] = invocation
        self._live[seq] = invocation
        self._trim(invocation.created)

    def reopen(self, invocation: Invocation) -> None:
        """The invocation may change again (stopped, modified, a rerun at reboot): take it out
        of the indexes until it is fixed once more."""
        seq = self._seq.get(invocation.invoke_id)
        if seq is None or seq in self._live:
            return
        self._unfix(seq, invocation)
        self._fixed.remove(seq)  # O(kept), as rare as a stop or a reboot
        self._live[seq] = invocation

    def advance(self, now: datetime) -> None:
        """Fix what has become fixed by `now` (to be indexed at the next read that walks an
        index), then forget what the service no longer keeps. Call it after the invocations due
        have been run (`settle`)."""
        for seq, invocation in list(self._live.items()):
            if is_fixed(invocation, now):
                del self._live[seq]
                self._backlog[seq] = now
                fixed = self._fixed
                if not fixed or fixed[-1] < seq:  # the common case: the newest is fixed last
                    fixed.append(seq)
                else:
                    insort(fixed, seq)
        self._trim(now)

    def _indexed(self) -> None:
        """Index the backlog: what was fixed since the last read that walked an index. A fixed
        invocation's statuses are the same at any later moment, so the moment it was fixed at
        indexes it as it stands."""
        backlog, self._backlog = self._backlog, {}
        for seq, fixed_at in backlog.items():
            self._index(seq, self._by_seq[seq], fixed_at)

    def _trim(self, now: datetime) -> None:
        """Forget the oldest fixed invocations past the cap or the retention."""
        limit = self.limit
        within_cap = limit is None or len(self.by_id) <= limit
        made = self._oldest_made
        if within_cap and made is not None and now < made + self.retention:
            return  # nothing over the cap, and even the oldest kept is within the retention
        oldest = now - self.retention
        while self._fixed and (
            (limit is not None and len(self.by_id) > limit)
            or self._by_seq[self._fixed[0]].created < oldest
        ):
            self._forget(self._fixed.popleft())
        first = next(iter(self._by_seq.values()), None)
        self._oldest_made = None if first is None else first.created

    def _forget(self, seq: int) -> None:
        invocation = self._by_seq.pop(seq)
        self._unfix(seq, invocation)
        del self.by_id[invocation.invoke_id]
        del self._seq[invocation.invoke_id]
        self.on_forget(invocation)

    def _index(self, seq: int, invocation: Invocation, now: datetime) -> None:
        """Index a fixed invocation under every key a read may ask by. What it was indexed
        with is kept as its statuses alone (shared tuples, `_statuses`): its region, command
        and instances never change, so `_unindex` makes the same keys again from them."""
        overall = invocation.overall(now)  # fixed: the same at every key
        rows = tuple(_statuses(*target_statuses(t, now)) for t in invocation.targets)
        shape = (_statuses(overall, legacy_of(overall)), rows)
        self._keys[seq] = _SHAPES.setdefault(shape, shape) if len(rows) == 1 else shape
        for index, key, entry in self._entries(seq, invocation, shape):
            entries = index.get(key)
            if entries is None:
                index[key] = [entry]
            elif entries[-1] < entry:  # the common case: the newest fixed goes last
                entries.append(entry)
            else:
                insort(entries, entry)

    def _unindex(self, seq: int, invocation: Invocation) -> None:
        for index, key, entry in self._entries(seq, invocation, self._keys.pop(seq)):
            entries = index[key]
            entries.pop(bisect_left(entries, entry))
            if not entries:
                del index[key]

    def _unfix(self, seq: int, invocation: Invocation) -> None:
        """Out of the indexes (or the backlog) and its snapshot dropped: it is forgotten, or
        about to change."""
        if self._backlog.pop(seq, None) is None:
            self._unindex(seq, invocation)
        self._snapshots.pop(seq, None)

    def _entries(
        self, seq: int, invocation: Invocation, shape: _Shape
    ) -> list[tuple[dict[Key, list[int]], Key, int]]:
        """Where the invocation goes in the indexes, as (index, key, entry): its seq under its
        region, its command and each of its instances, bare and with each of its statuses
        (`_runs`); each target's row likewise, with the target's statuses (`_rows`). Only the
        targets it was indexed with count (`shape` has one row of statuses each)."""
        region = invocation.region
        command = invocation.command.command_id
        run_statuses, row_statuses = shape
        targets = invocation.targets[: len(row_statuses)]
        runs, rows = self._runs, self._rows
        instances = dict.fromkeys(t.instance.instance_id for t in targets)
        found = []
        for base in (("r", region), ("c", region, command), *(("i", region, i) for i in instances)):
            found.append((runs, base, seq))
            found.extend((runs, (*base, status), seq) for status in run_statuses)
        for place, (target, statuses) in enumerate(zip(targets, row_statuses, strict=True)):
            row = seq * _ROW_SPAN + (_ROW_SPAN - 1 - place)
            instance = target.instance.instance_id
            for base in (("r", region), ("c", region, command), ("i", region, instance)):
                found.append((rows, base, row))
                found.extend((rows, (*base, status), row) for status in statuses)
        return found

    # ---- reads ------------------------------------------------------------------------------

    def get(self, invoke_id: str) -> Invocation | None:
        return self.by_id.get(invoke_id)

    def live(self) -> list[Invocation]:
        """The invocations whose statuses may still change (every task with runs to come)."""
        return list(self._live.values())

    def targets_on(self, region: str, instance_id: str) -> Iterator[Target]:
        """Every kept run on one instance (each invocation's target there): the fixed ones from
        the instance's index, then the live ones. O(the instance's runs + live)."""
        if self._backlog:
            self._indexed()
        for row in self._rows.get(("i", region, instance_id), ()):
            yield self._by_seq[row // _ROW_SPAN].targets[_ROW_SPAN - 1 - row % _ROW_SPAN]
        for invocation in self._live.values():
            if invocation.region != region:
                continue
            for target in invocation.targets:
                if target.instance.instance_id == instance_id:
                    yield target

    def snapshot(self, now: datetime) -> list[dict[str, Any]]:
        """Every invocation as plain data: a fixed one's is taken once, at the first snapshot
        after it was fixed (nothing the clock does changes it), and dropped if it reopens."""
        taken = []
        for seq in self._seq.values():
            data = self._snapshots.get(seq)
            if data is None:
                data = self._by_seq[seq].snapshot(now)
                if seq not in self._live:
                    self._snapshots[seq] = data
            taken.append(data)
        return taken

    def invocations(
        self, query: Query, now: datetime, *, after: str | None, start: int, size: int
    ) -> Page:
        """DescribeInvocations: the invocations that match, newest first."""
        counted = 0
        if query.invoke_id is not None:
            found = self.by_id.get(query.invoke_id)
            seq = self._seq.get(query.invoke_id, 0)
            live = [seq] if found is not None and _run_matches(found, query, now) else []
            fixed: Sequence[int] = []
        else:
            fixed, counted = self._candidates(self._runs, query, self._run_filter(query, now))
            live = sorted(
                (s for s, inv in self._live.items() if _run_matches(inv, query, now)),
                reverse=True,
            )
        seqs, token = _paged(fixed, live, after, start, size)
        return Page([self._by_seq[s] for s in seqs], counted + len(live), token)

    def results(
        self, query: Query, now: datetime, *, after: str | None, start: int, size: int
    ) -> Page:
        """DescribeInvocationResults: one row per (invocation, target) that matches, newest
        invocation first, its targets in order."""
        counted = 0
        if query.invoke_id is not None:
            found = self.by_id.get(query.invoke_id)
            seq = self._seq.get(query.invoke_id, 0)
            # One invocation's rows come out newest first already (`_rows_of`).
            live = list(self._rows_of(seq, found, query, now)) if found is not None else []
            fixed: Sequence[int] = []
        else:
            fixed, counted = self._candidates(self._rows, query, self._row_filter(query, now))
            live = sorted(
                (
                    row
                    for seq, inv in self._live.items()
                    for row in self._rows_of(seq, inv, query, now)
                ),
                reverse=True,
            )
        rows, token = _paged(fixed, live, after, start, size)
        items = []
        for row in rows:
            invocation = self._by_seq[row // _ROW_SPAN]
            items.append((invocation, invocation.targets[_ROW_SPAN - 1 - row % _ROW_SPAN]))
        return Page(items, counted + len(live), token)

    def _rows_of(
        self, seq: int, invocation: Invocation, query: Query, now: datetime
    ) -> Iterator[int]:
        """The invocation's rows that match (the invoke id aside), newest (largest) first. An
        instance no target is on matches no row, so the invocation is not asked about it."""
        if invocation.region != query.region or query.command_id not in (
            None,
            invocation.command.command_id,
        ):
            return
        for place, target in enumerate(invocation.targets):
            if query.instance_id not in (None, target.instance.instance_id):
                continue
            if query.status is not None and query.status not in target_statuses(target, now):
                continue
            yield seq * _ROW_SPAN + (_ROW_SPAN - 1 - place)

    def _candidates(
        self, index: dict[Key, list[int]], query: Query, keep: Callable[[int], bool]
    ) -> tuple[Sequence[int], int]:
        """The fixed entries that match, ascending, and their count. One filter is one index
        list as it stands; a command and an instance together walk the shorter of the two."""
        if self._backlog:
            self._indexed()
        suffix: Key = (query.status,) if query.status is not None else ()
        keys: list[Key] = []
        if query.command_id is not None:
            keys.append(("c", query.region, query.command_id, *suffix))
        if query.instance_id is not None:
            keys.append(("i", query.region, query.instance_id, *suffix))
        if not keys:
            keys.append(("r", query.region, *suffix))
        lists = sorted((index.get(k, []) for k in keys), key=len)
        if len(lists) == 1:
            return lists[0], len(lists[0])
        chosen = [e for e in lists[0] if keep(e)]
        return chosen, len(chosen)

    def _run_filter(self, query: Query, now: datetime) -> Callable[[int], bool]:
        return lambda seq: _run_matches(self._by_seq[seq], query, now)

    def _row_filter(self, query: Query, now: datetime) -> Callable[[int], bool]:
        def keep(row: int) -> bool:
            invocation = self._by_seq[row // _ROW_SPAN]
            target = invocation.targets[_ROW_SPAN - 1 - row % _ROW_SPAN]
            return (
                invocation.command.command_id == query.command_id
                and target.instance.instance_id == query.instance_id
            )

        return keep


def is_fixed(invocation: Invocation, now: datetime) -> bool:
    """Whether nothing the clock does can change the invocation's statuses any more."""
    if invocation.periodic and not invocation.stopped:
        return False
    for target in invocation.targets:
        if target.waiting:
            if target.stopped_at is None:
                return False
            continue
        if target.stopped_at is not None and target.stopped_at < target.finish_at:
            continue  # Cancelled or Terminated, for good
        if now < target.finish_at or not target.settled:
            return False
    return True


def _run_matches(invocation: Invocation, query: Query, now: datetime) -> bool:
    if invocation.region != query.region:
        return False
    if query.invoke_id not in (None, invocation.invoke_id):
        return False
    if query.command_id not in (None, invocation.command.command_id):
        return False
    if query.instance_id is not None and all(
        t.instance.instance_id != query.instance_id for t in invocation.targets
    ):
        return False
    return query.status is None or query.status in invocation_statuses(invocation, now)


def _paged(
    fixed: Sequence[int], live: list[int], after: str | None, start: int, size: int
) -> tuple[list[int], str]:
    """The page of entries asked for, and the token of the next ("" when none follows)."""
    bound = _parse_token(after)
    end = len(fixed)
    if bound is not None:  # older than the token's entry: bisected, never copied
        end = bisect_left(fixed, bound, 0, end)
        live = [entry for entry in live if entry < bound]
    entries, more = _merged_page(fixed, end, live, start, size)
    return entries, _token(entries[-1]) if more and entries else ""


def _merged_page(
    fixed: Sequence[int], n: int, live: list[int], start: int, size: int
) -> tuple[list[int], bool]:
    """Entries `start` to `start + size` of `fixed[:n]` (ascending) and `live` (descending),
    merged newest (largest) first, and whether any come after them. O(live x log + page)."""
    if n == 0:  # nothing fixed (one InvokeId's rows): the live entries as they are
        return live[start : start + size], start + size < len(live)
    ranks = [place + n - bisect_right(fixed, entry, 0, n) for place, entry in enumerate(live)]
    at_rank = dict(zip(ranks, live, strict=True))
    end = min(start + size, n + len(live))
    page = []
    for position in range(start, end):
        entry = at_rank.get(position)
        if entry is None:
            before = bisect_left(ranks, position)  # live entries ranked ahead of this one
            entry = fixed[n - 1 - (position - before)]
        page.append(entry)
    return page, end < n + len(live)


def _token(entry: int) -> str:
    return f"{entry:x}"


def _parse_token(token: str | None) -> int | None:
    """The entry a NextToken names (the last of the page before), or None for the first page."""
    if not token:
        return None
    try:
        return int(token, 16)
    except ValueError:
        raise InvalidToken(token) from None


class InvalidToken(ValueError):
    """A NextToken this fake never gave."""
