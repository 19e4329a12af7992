"""The fleet check: on every fit instance of a selection, run a script as each approved user and
try each name that must be refused; one verdict per instance.

- Approved users run in chunks of at most 100 instances (RunCommand's limit). The script is
  `whoami; id -Gn; sudo -n -l; sudo -n true`: its first line says who ran it, the second the
  user's groups, `sudo -n -l` lists any NOPASSWD rule (one limited to a command, such as
  `NOPASSWD: /bin/bash`, is root as surely as `ALL`), and the exit code is sudo's, so it also
  checks that the user cannot become root. A chunk that
  is refused as a whole (one instance refusing is enough) is split in two until the instances
  that refuse are found.
- A name that must be refused is tried on each instance alone: a refusal of many instances
  proves only that one of them refused, and RAM decides per instance (A7).
- Chunk by chunk: its runs are started, its instances are tried with each refused name, then
  its runs are read with DescribeInvocationResults (50 a page). The tries give the runs their
  time to end, so a read most often finds them final at once rather than polling for them.
- Calls go through a `Pacer` (at most `max_concurrency` in flight, a shared pause after
  throttling, a deadline); with `max_concurrency` 1 they are made in the calling thread.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, Protocol

from alibabacloud_ecs20140526 import models as ecs

from harness.admin_groups import ADMIN_GROUPS
from harness.cloud_assistant import (
    DELIVERY_ALLOWANCE,
    FINAL_STATUSES,
    InstanceResult,
)
from harness.errors import HarnessError
from harness.fleet.pacing import DeadlinePassed, Pacer
from harness.fleet.selection import Member, Selector, fitness, list_instances
from harness.fleet.verdicts import FleetResult, InstanceVerdict
from harness.sdk.gateway import Gateway, NoAnswer, Refusal
from harness.sdk.retry import backoff

#: RunCommand takes at most 100 instances (SDK _run_command_request.py: "Array length: 1 to
#: 100"); SendFile at most 50 (_send_file_request.py), should a check ever send a file.
RUN_CHUNK = 100
SEND_FILE_CHUNK = 50
RESULTS_PAGE = 50
#: Tasks handed to the workers ahead, per worker, so that none waits for the next.
QUEUED = 2
SCRIPT = "whoami; id -Gn; sudo -n -l; sudo -n true"
#: Per-instance codes that say the agent never took the run (reference section 1.7).
UNREACHABLE_CODES = frozenset(
    {
        "ClientNotRunning",
        "ClientNotResponse",
        "ClientNotOnline",
        "ClientNetworkBlocked",
        "ClientIsUpgrading",
        "ClientNeedUpgrade",
        "ClientRestarted",
        "InstanceNotRunning",
        "InstanceNotExists",
        "InstanceReleased",
        "InstanceRestarted",
        "DeliveryTimeout",
    }
)


def is_ram_denial(code: str) -> bool:
    """A refusal by RAM (ECS's `Forbidden.RAM`, RAM's `NoPermission`), not by the service."""
    return code.startswith("Forbidden") or code == "NoPermission"


class Progress(Protocol):
    """Where the check reports how far it got (a progress bar, or nothing)."""

    def start(self, total: int) -> None: ...

    def advance(self, done: int) -> None: ...


@dataclass(frozen=True)
class Plan:
    """What to check and how hard to push."""

    users: tuple[str, ...]  # approved: each must run as itself
    refused: tuple[str, ...]  # each must be refused
    max_concurrency: int = 8
    deadline: float = 1800.0  # seconds for the whole check
    heartbeat_within: float = 300.0  # seconds since an agent's last heartbeat
    timeout: int = 60  # the command's own Timeout
    chunk: int = RUN_CHUNK


@dataclass
class _Runs:
    """A chunk's run as one approved user: started (split where refused) before it is read."""

    user: str
    ids: list[str]
    #: What was started: (InvokeId, the instances it runs on).
    invocations: list[tuple[str, list[str]]] = field(default_factory=list)
    #: Set once the starts are over (even when one failed): only then is the read handed out.
    started: threading.Event = field(default_factory=threading.Event)


#: One task of the check (a start, split where refused; a try; a read, with its polls): the
#: instances whose check it ended.
Task = Callable[[], list[str]]


class FleetCheck:
    """One principal's fleet check in one region."""

    def __init__(
        self,
        caller: str,
        client: Callable[[], Any],
        gateway: Gateway,
        region: str,
        plan: Plan,
        *,
        sleep: Callable[[float], None],
        first_delay: float = 0.5,
        progress: Progress | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] | None = lambda: datetime.now(UTC),
    ) -> None:
        if not 1 <= plan.chunk <= RUN_CHUNK:
            raise ValueError(f"a chunk is 1 to {RUN_CHUNK} instances, not {plan.chunk}")
        self._caller = caller
        self._make_client = client
        self._clients = threading.local()
        self._gateway = gateway
        self._region = region
        self._plan = plan
        self._sleep = sleep
        self._first_delay = first_delay
        self._progress = progress
        self._pacer = Pacer(plan.max_concurrency, plan.deadline, sleep=sleep, clock=clock)
        self._wall_clock = wall_clock  # None: judge heartbeats by each other alone (a replay)
        self._verdicts: dict[str, InstanceVerdict] = {}
        self._lock = threading.Lock()

    @property
    def plan(self) -> Plan:
        """What the check covers and how hard it pushes."""
        return self._plan

    # ---- the calls ------------------------------------------------------------------------

    def _client(self) -> Any:
        client = getattr(self._clients, "client", None)
        if client is None:
            client = self._clients.client = self._make_client()
        return client

    def _call(
        self, method_name: str, request: Any, *, repeatable: bool = True, started: bool = False
    ) -> Any:
        """One paced call. `started`: a read of a run already started, which the deadline does
        not stop (what ran on the instances is read, once, and `_await` polls no further)."""

        def attempt() -> Any:
            method = getattr(self._client(), method_name)
            return self._gateway.call(self._caller, method, request, repeatable=repeatable)

        return self._pacer.call(attempt, repeatable=repeatable, past_deadline=started)

    def _sdk(self, method: Callable[..., Any], request: Any) -> Any:
        """A Describe call for the selection, made like every other (paced, recorded)."""
        return self._call(method.__name__, request)

    # ---- the check --------------------------------------------------------------------------

    def run(self, selector: Selector) -> FleetResult:
        started = _now()
        client = self._client()
        try:
            members = list_instances(self._sdk, client, self._region, selector)
            judged = fitness(
                self._sdk,
                client,
                self._region,
                members,
                heartbeat_within=self._plan.heartbeat_within,
                now=self._wall_clock,
            )
        except DeadlinePassed:
            raise HarnessError(
                f"the deadline of {self._plan.deadline:g} s passed while selecting the "
                "instances: give the check more time"
            ) from None
        for member in judged:
            verdict = InstanceVerdict(member.instance_id, member.name)
            if member.unfit:
                verdict.note("selection", "unreachable", member.unfit)
            self._verdicts[member.instance_id] = verdict
        fit = [m for m in judged if not m.unfit]
        self._check(fit)
        return FleetResult(
            selection=selector.as_json(),
            users=list(self._plan.users),
            refused=list(self._plan.refused),
            instances=[self._verdicts[m.instance_id] for m in judged],
            started=started,
            finished=_now(),
            calls=self._pacer.calls,
            throttled=self._pacer.throttled,
        )

    def _tasks(self, fit: Sequence[Member]) -> Iterator[tuple[Task, _Runs | None]]:
        """Each call to make, chunk by chunk, with the runs it reads (None for a start or a
        try): the chunk's run as each approved user is started, then every refused name is
        tried on each of its instances alone, then the runs are read. The tries give the runs
        their time to end, so a read most often finds them final at once instead of polling
        (and sleeping) while nothing else is done."""
        plan = self._plan
        for start in range(0, len(fit), plan.chunk):
            members = fit[start : start + plan.chunk]
            ids = [m.instance_id for m in members]
            runs = [_Runs(user, ids) for user in plan.users]
            for each in runs:
                yield partial(self._approved, each), None
            for member in members:
                for name in plan.refused:
                    yield partial(self._refused, member.instance_id, name), None
            for each in runs:
                yield partial(self._read, each), each

    def _check(self, fit: Sequence[Member]) -> None:
        """Make every task's call: one at a time in this thread when `max_concurrency` is 1,
        else on that many workers, handing out the next only as one ends (what is queued, and
        kept alive, is a few tasks, not one per instance and name). A read is handed out only
        once its runs are started: until then it is held here, and the tasks after it go
        first, so no worker ever waits for another."""
        plan = self._plan
        # Every instance is in one chunk per approved user and tried alone per refused name.
        left = dict.fromkeys((m.instance_id for m in fit), len(plan.users) + len(plan.refused))
        if self._progress is not None:
            self._progress.start(len(fit))
        tasks = self._tasks(fit)
        if plan.max_concurrency == 1:
            # No worker: a thread would only hand each call over and back (and on the in-process
            # fake, where every call holds the GIL and nothing waits, that is all it would do).
            for task, _ in tasks:
                self._advance(left, task())
            return
        held: list[tuple[Task, _Runs]] = []

        def following() -> Task | None:
            for i, (task, runs) in enumerate(held):
                if runs.started.is_set():
                    del held[i]
                    return task
            for task, reads in tasks:
                if reads is None or reads.started.is_set():
                    return task
                held.append((task, reads))
            return None

        queued = QUEUED * plan.max_concurrency
        with ThreadPoolExecutor(max_workers=plan.max_concurrency) as pool:
            running: set[Future[list[str]]] = set()
            try:
                while True:
                    while len(running) < queued and (handed := following()) is not None:
                        running.add(pool.submit(handed))
                    if not running:
                        break
                    ended, running = wait(running, return_when=FIRST_COMPLETED)
                    for future in ended:
                        self._advance(left, future.result())  # a bug of the harness surfaces
            except BaseException:
                # A bug, or Ctrl-C: what no worker has taken yet never starts (a run on a real
                # instance among it); the calls under way end before the pool does.
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        if held:  # every start sets its runs' event, even when it fails: a bug if not
            raise RuntimeError(f"{len(held)} reads were never handed out: their runs never started")

    def _advance(self, left: dict[str, int], ids: Sequence[str]) -> None:
        """A task ended the checks of `ids`: count down their tasks, report those now done."""
        done = 0
        for iid in ids:
            left[iid] -= 1
            done += left[iid] == 0
        if done and self._progress is not None:
            self._progress.advance(done)

    def _note(self, instance_id: str, check: str, verdict: Any, what: str) -> None:
        with self._lock:
            self._verdicts[instance_id].note(check, verdict, what)

    def _start(self, ids: Sequence[str], user: str) -> str:
        request = ecs.RunCommandRequest(
            region_id=self._region,
            type="RunShellScript",
            command_content=SCRIPT,
            instance_id=list(ids),
            username=user,
            timeout=self._plan.timeout,
            keep_command=False,
            client_token=str(uuid.uuid4()),
        )
        # The ClientToken makes a repeat the same run: a retry never runs it twice.
        return str(self._call("run_command", request).body.invoke_id)

    def _approved(self, runs: _Runs) -> list[str]:
        """Start the chunk's run as its user (`_read` reads it); the instances whose check
        ended here, without a run to read."""
        try:
            return self._start_split(runs, runs.ids)
        finally:
            runs.started.set()  # even after a bug of the harness: no read is held for ever

    def _start_split(self, runs: _Runs, ids: Sequence[str]) -> list[str]:
        """Start the run on these instances; split them when it is refused."""
        user = runs.user
        try:
            invoke_id = self._start(ids, user)
        except DeadlinePassed:
            for iid in ids:
                self._note(iid, user, "unreachable", "the deadline passed before it ran")
            return list(ids)
        except NoAnswer as e:
            for iid in ids:
                self._note(iid, user, "unreachable", f"RunCommand got no answer: {e}")
            return list(ids)
        except Refusal as refusal:
            if refusal.code.startswith("Throttling") or refusal.status >= 500:
                for iid in ids:  # still throttled after the pacer's tries: splitting won't help
                    self._note(iid, user, "unreachable", f"RunCommand answered {refusal.code}")
                return list(ids)
            if len(ids) > 1:
                half = len(ids) // 2
                return self._start_split(runs, ids[:half]) + self._start_split(runs, ids[half:])
            verdict = "broken" if is_ram_denial(refusal.code) else "unreachable"
            self._note(ids[0], user, verdict, f"RunCommand as `{user}` refused: {refusal.code}")
            return [ids[0]]
        runs.invocations.append((invoke_id, list(ids)))
        return []

    def _read(self, runs: _Runs) -> list[str]:
        """Read the chunk's runs as its user and judge each instance; the instances judged."""
        judged = []
        for invoke_id, ids in runs.invocations:
            results = self._await(invoke_id, ids)
            for iid in ids:
                self._judge_approved(iid, runs.user, results.get(iid))
            judged += ids
        return judged

    def _judge_approved(self, iid: str, user: str, result: InstanceResult | None) -> None:
        if result is None or result.status not in FINAL_STATUSES:
            seen = result.status if result else "no result"
            self._note(iid, user, "unreachable", f"not final before the deadline ({seen})")
            return
        if result.error_code and result.error_code != "ExitCodeNonzero":
            verdict = "unreachable" if result.error_code in UNREACHABLE_CODES else "broken"
            self._note(iid, user, verdict, f"ended {result.status} with `{result.error_code}`")
            return
        lines = result.output.splitlines()
        who = lines[0].strip() if lines else ""
        if who != user:
            exposed = who == "root" or who.lower() in {n.lower() for n in self._plan.refused}
            self._note(
                iid,
                user,
                "exposed" if exposed else "broken",
                f"asked to run as `{user}`, it ran as `{who or '(nothing printed)'}`",
            )
            return
        self._note(iid, user, "verified", f"ran as `{user}`")
        groups = set(lines[1].split()) if len(lines) > 1 else set()
        admin = sorted(ADMIN_GROUPS & groups)
        check = f"{user} privilege"
        passwordless = [line.strip() for line in lines[2:] if "NOPASSWD" in line]
        if result.exit_code == 0:
            self._note(iid, check, "privileged", f"`{user}` can use sudo without a password")
        elif passwordless:
            rules = "`, `".join(passwordless)
            self._note(iid, check, "privileged", f"`sudo -n -l` as `{user}` lists `{rules}`")
        elif admin:
            self._note(iid, check, "privileged", f"`{user}` is in {', '.join(admin)}")
        elif "sudo" not in " ".join(lines[2:]):
            self._note(
                iid,
                check,
                "unreachable",
                f"`sudo -n true` failed without a word from sudo (exit {result.exit_code}): "
                "the check proves nothing",
            )
        else:
            self._note(iid, check, "verified", "no passwordless sudo, no admin group")

    def _refused(self, iid: str, name: str) -> list[str]:
        """Try `name` on this instance alone: it must be refused. The instance, whose check
        this ends."""
        self._try(iid, name)
        return [iid]

    def _try(self, iid: str, name: str) -> None:
        try:
            invoke_id = self._start([iid], name)
        except DeadlinePassed:
            self._note(iid, name, "unreachable", "the deadline passed before it was tried")
            return
        except NoAnswer as e:
            self._note(iid, name, "unreachable", f"RunCommand got no answer: {e}")
            return
        except Refusal as refusal:
            if is_ram_denial(refusal.code):
                self._note(iid, name, "verified", f"refused ({refusal.code})")
            else:
                self._note(iid, name, "unreachable", f"RunCommand answered {refusal.code}")
            return
        result = self._await(invoke_id, [iid]).get(iid)
        if result is None:
            ran = "no result came"
        elif result.error_code and result.error_code != "ExitCodeNonzero":
            ran = f"it ended {result.status} with `{result.error_code}`"
        else:
            first = (result.output.splitlines() or [""])[0].strip()
            ran = f"it ran as `{first}`, {result.status}"
        self._note(iid, name, "exposed", f"RAM accepted `{name}` (InvokeId {invoke_id}): {ran}")

    # ---- results ------------------------------------------------------------------------

    def _await(self, invoke_id: str, ids: Sequence[str]) -> dict[str, InstanceResult]:
        """Read the invocation's results until every instance's is final, or time is up."""
        delays = backoff(self._first_delay)
        waited, limit = 0.0, self._plan.timeout + DELIVERY_ALLOWANCE
        wanted = set(ids)
        results: dict[str, InstanceResult] = {}
        while True:
            try:
                results = self._results(invoke_id)
            except (DeadlinePassed, NoAnswer, Refusal):
                return results
            final = all(iid in results and results[iid].status in FINAL_STATUSES for iid in wanted)
            if final or waited >= limit or self._pacer.expired:
                return results
            delay = next(delays)
            self._sleep(delay)
            waited += delay

    def _results(self, invoke_id: str) -> dict[str, InstanceResult]:
        found: dict[str, InstanceResult] = {}
        page = 1
        while True:
            request = ecs.DescribeInvocationResultsRequest(
                region_id=self._region,
                invoke_id=invoke_id,
                content_encoding="Base64",
                page_size=RESULTS_PAGE,
                page_number=page,
            )
            body = self._call("describe_invocation_results", request, started=True).body.invocation
            rows = (body.invocation_results.invocation_result if body else None) or []
            for row in rows:
                result = InstanceResult.of_row(invoke_id, row)
                found[result.instance_id] = result
            total = int(body.total_count or 0) if body else 0
            if not rows or page * RESULTS_PAGE >= total:
                return found
            page += 1


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
