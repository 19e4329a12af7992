"""The fleet check on the in-process fake, signing as commandUser through the official SDK:
unfit instances are left out before any run, each instance gets the verdict its checks earn,
throttling is waited out, the deadline holds, and drift names what changed."""

from __future__ import annotations

import itertools
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from fakes import FakeCloud
from harness.backends.base import Account
from harness.config.names import Names
from harness.config.settings import Settings
from harness.errors import HarnessError
from harness.fleet import check as check_module
from harness.fleet.check import Plan
from harness.fleet.on_fake import command_user, fleet_check
from harness.fleet.pacing import DeadlinePassed, Pacer
from harness.fleet.scene import FleetOptions
from harness.fleet.scene import fleet_check as scene_check
from harness.fleet.selection import Selector, parse_tag
from harness.fleet.verdicts import FleetResult, drift, read_baseline, verdicts_of
from harness.sdk.clients import AccessKey, Endpoint, Principal
from harness.sdk.evidence import Evidence
from harness.sdk.gateway import Gateway, Refusal

PLAN = Plan(users=("user01", "user02"), refused=("root", "system"))
PROD = Selector(tags=(("env", "prod"),))


def _check(
    cloud: FakeCloud, policies: tuple[str, ...] | None = None, **plan: object
) -> FleetResult:
    user = command_user(cloud) if policies is None else command_user(cloud, policies)
    chosen = Plan(**{**vars(PLAN), **plan})  # type: ignore[arg-type]
    return fleet_check(cloud, user, chosen).run(PROD)


def test_every_healthy_instance_is_verified(fake_cloud: FakeCloud) -> None:
    made = fake_cloud.add_fleet(120, users=["user01", "user02"], tags={"env": "prod"})
    fake_cloud.add_fleet(5, users=["user01"], tags={"env": "dev"})
    result = _check(fake_cloud)
    assert sorted(verdicts_of(result.instances)) == sorted(made)
    assert result.summary()["verified"] == 120
    first = result.instances[0]
    assert first.checks["root"] == "refused (Forbidden.RAM)"
    assert first.checks["user01"] == "ran as `user01`"


def test_unfit_instances_are_left_out_before_any_run(fake_cloud: FakeCloud) -> None:
    healthy, stopped, silent, old = fake_cloud.add_fleet(
        4, users=["user01", "user02"], tags={"env": "prod"}
    )
    windows = fake_cloud.add_instance(os="windows", users={"user01": "Pw-1!"}, tags={"env": "prod"})
    fake_cloud.set_agent(stopped, "stopped")
    fake_cloud.set_agent(silent, "silent", seconds_ago=3600)
    fake_cloud.set_agent(old, version="1.2.0.5")
    result = _check(fake_cloud)
    verdicts = {i.instance_id: i for i in result.instances}
    assert verdicts[healthy].verdict == "verified"
    why = {iid: verdicts[iid].detail for iid in (stopped, silent, old, windows)}
    assert "agent is not running" in why[stopped]
    assert "3600 s old" in why[silent] or "s old" in why[silent]
    assert "older than 2.0" in why[old]
    assert "a Windows instance" in why[windows]
    for iid in (stopped, silent, old, windows):
        assert verdicts[iid].verdict == "unreachable"
        assert fake_cloud.guest(iid).history == []  # nothing was sent to it


def test_a_passwordless_sudoer_and_an_admin_group_are_named(fake_cloud: FakeCloud) -> None:
    fake_cloud.add_fleet(3, users=["user01", "user02"], tags={"env": "prod"})
    sudoer = fake_cloud.add_instance(
        users=["user01", "user02"], sudoers={"user02": "NOPASSWD:ALL"}, tags={"env": "prod"}
    )
    wheel = fake_cloud.add_instance(
        users=["user01", "user02"], groups={"user01": ["wheel"]}, tags={"env": "prod"}
    )
    shell = fake_cloud.add_instance(
        users=["user01", "user02"], sudoers={"user01": "NOPASSWD: /bin/bash"}, tags={"env": "prod"}
    )
    result = _check(fake_cloud)
    verdicts = {i.instance_id: i for i in result.instances}
    assert verdicts[sudoer].verdict == "privileged"
    assert "`user02` can use sudo without a password" in verdicts[sudoer].detail
    assert verdicts[wheel].verdict == "privileged"
    assert "`user01` is in wheel" in verdicts[wheel].detail
    assert verdicts[shell].verdict == "privileged"  # `sudo -n true` fails: only -l shows it
    assert "`sudo -n -l` as `user01` lists `(ALL) NOPASSWD: /bin/bash`" in verdicts[shell].detail
    assert result.summary()["verified"] == 3


def test_full_access_lets_root_in_on_every_instance(fake_cloud: FakeCloud) -> None:
    fake_cloud.add_fleet(4, users=["user01", "user02"], tags={"env": "prod"})
    result = _check(fake_cloud, ("AliyunECSFullAccess",))
    assert result.summary()["exposed"] == 4
    assert all("it ran as `root`" in i.checks["root"] for i in result.instances)
    assert result.exit_code == 1


def test_a_refused_chunk_is_split_until_the_refusing_instance_is_found(
    fake_cloud: FakeCloud, tmp_path: Path
) -> None:
    made = fake_cloud.add_fleet(64, users=["user01", "user02"], tags={"env": "prod"})
    fenced = made[37]
    deny = {
        "Version": "1",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "ecs:RunCommand",
                "Resource": f"acs:ecs:*:*:instance/{fenced}",
            }
        ],
    }
    policies = Path("features/policies")
    (tmp_path / "fenceOne.json").write_text(json.dumps(deny))
    (tmp_path / "commandUserPolicy.allowlist.json").write_text(
        (policies / "commandUserPolicy.allowlist.json").read_text()
    )
    user = command_user(
        fake_cloud,
        ("commandUserPolicy.allowlist", "fenceOne", "AliyunECSReadOnlyAccess"),
        folder=tmp_path,
    )
    result = fleet_check(fake_cloud, user, PLAN).run(PROD)
    verdicts = {i.instance_id: i for i in result.instances}
    assert verdicts[fenced].verdict == "broken"
    assert "RunCommand as `user01` refused: Forbidden.RAM" in verdicts[fenced].detail
    assert result.summary()["verified"] == 63


class _Counted:
    """A progress that keeps what it was told."""

    def __init__(self) -> None:
        self.total = 0
        self.done: list[int] = []

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, done: int) -> None:
        self.done.append(done)


def test_progress_counts_each_instance_once_and_few_tasks_wait(
    fake_cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_cloud.add_fleet(30, users=["user01", "user02"], tags={"env": "prod"})
    user = command_user(fake_cloud)
    handed: list[int] = []
    waiting: set[object] = set()
    submit = check_module.ThreadPoolExecutor.submit

    def counted(pool: Any, task: Any) -> Any:
        future = submit(pool, task)
        waiting.add(future)
        future.add_done_callback(waiting.discard)
        handed.append(len(waiting))
        return future

    monkeypatch.setattr(check_module.ThreadPoolExecutor, "submit", counted)
    progress = _Counted()
    plan = Plan(users=PLAN.users, refused=PLAN.refused, max_concurrency=2, chunk=10)
    result = fleet_check(fake_cloud, user, plan, progress=progress).run(PROD)
    assert result.summary()["verified"] == 30
    assert (progress.total, sum(progress.done)) == (30, 30)
    # 3 chunks x 2 users, started and read, + 30 x 2 refused names, handed out as workers free
    # up, not all at once
    assert len(handed) == 72
    assert max(handed) <= check_module.QUEUED * plan.max_concurrency


def test_one_call_at_a_time_needs_no_worker_thread(
    fake_cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_cloud.add_fleet(12, users=["user01", "user02"], tags={"env": "prod"})
    user = command_user(fake_cloud)

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a check of one call at a time started a worker pool")

    monkeypatch.setattr(check_module, "ThreadPoolExecutor", no_pool)
    progress = _Counted()
    plan = Plan(users=PLAN.users, refused=PLAN.refused, max_concurrency=1, chunk=5)
    result = fleet_check(fake_cloud, user, plan, progress=progress).run(PROD)
    assert result.summary()["verified"] == 12
    assert (progress.total, sum(progress.done)) == (12, 12)


def test_a_run_is_read_after_its_chunk_was_tried_and_so_read_once(fake_cloud: FakeCloud) -> None:
    """Each chunk's runs start, the chunk's refused names are tried, then the runs are read:
    by then they are final, so each is read once, a page per 50 instances (no poll again)."""
    fake_cloud.add_fleet(150, users=["user01", "user02"], tags={"env": "prod"})
    user = command_user(fake_cloud)
    evidence = Evidence()
    plan = Plan(users=PLAN.users, refused=PLAN.refused, max_concurrency=1)
    result = fleet_check(fake_cloud, user, plan, evidence=evidence).run(PROD)
    assert result.summary()["verified"] == 150
    actions = [r.action for r in evidence.records]
    # 2 chunks (100 and 50) x 2 users started, 150 x 2 names tried alone; reads: 2 pages for
    # each run of the first chunk, 1 for each of the second
    assert actions.count("RunCommand") == 4 + 300
    assert actions.count("DescribeInvocationResults") == 2 * 2 + 2 * 1
    first_read = actions.index("DescribeInvocationResults")
    assert actions[:first_read].count("RunCommand") == 2 + 200  # the first chunk, all tried


def test_a_read_is_handed_out_only_once_its_chunks_start_ended(
    fake_cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing to try between them, a chunk's read comes right after its start: it is held
    until the start ends, however slow (the next chunks' starts go first), and reads what it
    started (handed out early, it would find no run: no verdict, and the count off)."""
    fake_cloud.add_fleet(6, users=["user01"], tags={"env": "prod"})
    user = command_user(fake_cloud)
    start = check_module.FleetCheck._start

    def slow(check: Any, ids: Any, name: str) -> str:
        time.sleep(0.05)  # long enough for another worker to take the read meanwhile
        return start(check, ids, name)

    monkeypatch.setattr(check_module.FleetCheck, "_start", slow)
    plan = Plan(users=("user01",), refused=(), max_concurrency=4, chunk=1)
    result = fleet_check(fake_cloud, user, plan).run(PROD)
    assert result.summary()["verified"] == 6
    assert all(i.checks["user01"] == "ran as `user01`" for i in result.instances)


def test_only_the_in_process_fake_checks_one_call_at_a_time() -> None:
    """In process every call holds the GIL: no worker. A fake server, a stand-in and a real
    account keep the concurrency asked for; record and replay keep one call at a time."""
    server = Endpoint.from_url("http://127.0.0.1:8080")
    settings = Settings(backend="fake", region="cn-hangzhou", spec_policies=Path("."))
    options = FleetOptions(max_concurrency=8)
    user = Principal("commandUser", AccessKey("LTAI-test", "not-a-secret"))

    def concurrency(backend: str, endpoint: Endpoint | None) -> int:
        account = Account(backend, endpoint, Names(), None)
        check = scene_check(settings, account, Gateway(Evidence()), user, ["user01"], options)
        return check.plan.max_concurrency

    assert concurrency("fake", None) == 1
    assert concurrency("fake", server) == 8  # a fake server: its calls wait on a socket
    assert concurrency("live", server) == 8  # a stand-in for a real account
    assert concurrency("live", None) == 8
    assert concurrency("replay", None) == 1
    assert concurrency("record", server) == 1  # a cassette keeps the calls in one order


def test_a_start_that_fails_for_a_bug_surfaces_and_holds_no_read_for_ever(
    fake_cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_cloud.add_fleet(4, users=["user01"], tags={"env": "prod"})
    user = command_user(fake_cloud)

    def broken(check: Any, runs: Any, ids: Any) -> list[str]:
        raise RuntimeError("a bug of the harness")

    monkeypatch.setattr(check_module.FleetCheck, "_start_split", broken)
    plan = Plan(users=("user01",), refused=("root",), max_concurrency=4, chunk=2)
    with pytest.raises(RuntimeError, match="a bug of the harness"):
        fleet_check(fake_cloud, user, plan).run(PROD)


def test_after_a_bug_or_a_ctrl_c_no_queued_task_starts(
    fake_cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A try ends the check (as a bug of the harness, or a Ctrl-C, would) while every worker is
    busy: the tasks queued behind them are dropped, so only the calls under way are made (and
    at most one a worker took as the end came), not the queue's."""
    fake_cloud.add_fleet(30, users=["user01"], tags={"env": "prod"})
    user = command_user(fake_cloud)
    tried = []

    def interrupted(check: Any, iid: str, name: str) -> None:
        tried.append(iid)
        if len(tried) == 1:
            time.sleep(0.1)  # the other workers take their tasks meanwhile
            raise KeyboardInterrupt
        time.sleep(0.3)  # a call under way

    monkeypatch.setattr(check_module.FleetCheck, "_try", interrupted)
    plan = Plan(users=("user01",), refused=("root",), max_concurrency=4, chunk=30)
    with pytest.raises(KeyboardInterrupt):
        fleet_check(fake_cloud, user, plan).run(PROD)
    # Eight tasks are queued at most (the chunk's start and seven tries): without the drop,
    # all seven tries would be made.
    assert len(tried) <= plan.max_concurrency + 1, tried


@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.parametrize(
    ("late_after", "seen"),
    [
        ("_approved", "not final before the deadline (Pending)"),  # read at once: Pending
        ("_refused", "ran as `user01`"),  # read after the chunk's tries: final
    ],
)
def test_a_run_started_before_the_deadline_is_read_after_it(
    fake_cloud: FakeCloud,
    monkeypatch: pytest.MonkeyPatch,
    concurrency: int,
    late_after: str,
    seen: str,
) -> None:
    """Found by review: the deadline falls between a chunk's start and its read. Nothing new
    is tried, but what already ran on the instances is read (once), never left unread."""
    fake_cloud.add_fleet(3, users=["user01"], tags={"env": "prod"})
    user = command_user(fake_cloud)
    now = [0.0]
    task = getattr(check_module.FleetCheck, late_after)

    calls = itertools.count(1)
    late = threading.Event()  # set once the deadline has passed

    def then_late(check: Any, *args: Any) -> list[str]:
        ended: list[str] = task(check, *args)
        if late_after == "_approved" or next(calls) == 3:
            now[0] = 1000.0  # the deadline passes as the start, or the last try, ends
            late.set()
        return ended

    monkeypatch.setattr(check_module.FleetCheck, late_after, then_late)
    # On workers the tasks after the late one may begin before it ends: a try while the start
    # is under way (made, since it began before the deadline), a read while the last tries are
    # (Pending, so polled again). Those wait here for the deadline, so that it falls between
    # the start and the read however the threads are scheduled.
    waits = "_refused" if late_after == "_approved" else "_read"
    made = getattr(check_module.FleetCheck, waits)

    def after_the_deadline(check: Any, *args: Any) -> list[str]:
        assert late.wait(10), "the deadline never passed"
        ended: list[str] = made(check, *args)
        return ended

    monkeypatch.setattr(check_module.FleetCheck, waits, after_the_deadline)
    plan = Plan(users=("user01",), refused=("root",), max_concurrency=concurrency, deadline=60)
    evidence = Evidence()
    check = fleet_check(fake_cloud, user, plan, evidence=evidence, clock=lambda: now[0])
    result = check.run(PROD)
    assert [i.checks["user01"] for i in result.instances] == [seen] * 3
    tried = 0 if late_after == "_approved" else 3
    assert sorted(i.checks["root"] for i in result.instances) == sorted(
        ["refused (Forbidden.RAM)"] * tried
        + ["the deadline passed before it was tried"] * (3 - tried)
    )
    actions = [r.action for r in evidence.records]
    assert actions.count("RunCommand") == 1 + tried
    assert actions.count("DescribeInvocationResults") == 1  # read once, no poll past it


def test_throttling_is_waited_out_and_counted(fake_cloud: FakeCloud) -> None:
    fake_cloud.add_fleet(10, users=["user01", "user02"], tags={"env": "prod"})
    user = command_user(fake_cloud)
    fault = fake_cloud.inject("RunCommand", "Throttling.User", times=5, retry_after_ms=10)
    result = fleet_check(fake_cloud, user, PLAN).run(PROD)
    assert fault.answered == 5
    assert result.throttled == 5
    assert result.summary()["verified"] == 10


def test_nothing_starts_after_the_deadline(fake_cloud: FakeCloud) -> None:
    fake_cloud.add_fleet(6, users=["user01", "user02"], tags={"env": "prod"})
    user = command_user(fake_cloud)
    ticks = itertools.count()
    plan = Plan(users=PLAN.users, refused=PLAN.refused, max_concurrency=1, deadline=6)
    # One tick per look at the clock: selection's calls fit in the deadline, the runs do not.
    check = fleet_check(fake_cloud, user, plan, clock=lambda: float(next(ticks)))
    result = check.run(PROD)
    assert result.summary()["unreachable"] == 6
    assert all("deadline passed" in i.detail for i in result.instances)


def test_the_pacer_refuses_to_start_past_its_deadline() -> None:
    now = [0.0]
    pacer = Pacer(2, deadline=10, sleep=lambda s: None, clock=lambda: now[0])
    assert pacer.call(lambda: "done", repeatable=True) == "done"
    now[0] = 11.0
    with pytest.raises(DeadlinePassed):
        pacer.call(lambda: "late", repeatable=True)


def test_the_pacer_lets_a_read_of_what_ran_past_its_deadline() -> None:
    pacer = Pacer(1, deadline=10, sleep=lambda s: None, clock=lambda: 11.0)
    assert pacer.call(lambda: "read", repeatable=True, past_deadline=True) == "read"


def test_the_pacer_does_not_retry_what_may_not_be_repeated() -> None:
    pacer = Pacer(1, deadline=10, sleep=lambda s: None)
    tries = []

    def throttled() -> None:
        tries.append(1)
        raise Refusal("CreateCommand", "Throttling.User", "slow down", 400, "req")

    with pytest.raises(Refusal):
        pacer.call(throttled, repeatable=False)
    assert len(tries) == 1


def test_drift_names_every_instance_whose_verdict_changed(
    fake_cloud: FakeCloud, tmp_path: Path
) -> None:
    kept, stopped = fake_cloud.add_fleet(2, users=["user01", "user02"], tags={"env": "prod"})
    user = command_user(fake_cloud)
    before = fleet_check(fake_cloud, user, PLAN).run(PROD)
    before.write(tmp_path / "before.json")
    fake_cloud.set_agent(stopped, "stopped")
    added = fake_cloud.add_instance(users=["user01", "user02"], tags={"env": "prod"})
    after = fleet_check(fake_cloud, user, PLAN).run(PROD)
    changes = drift(read_baseline(tmp_path / "before.json"), verdicts_of(after.instances))
    assert [c.line() for c in changes] == sorted(
        [f"{stopped}: verified -> unreachable", f"{added}: not in the baseline -> verified"]
    )
    assert kept not in {c.instance_id for c in changes}


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{", "is not JSON"),
        ('{"format": "runas-evidence/1"}', "is not a fleet result"),
        ('{"format": "runas-fleet/1", "instances": [{}]}', "no list of instances"),
    ],
)
def test_a_bad_baseline_is_one_line(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(content)
    with pytest.raises(HarnessError, match=says):
        read_baseline(path)


def test_a_selection_needs_something_to_select() -> None:
    with pytest.raises(HarnessError, match="give --instances-tag KEY=VALUE"):
        Selector()
    with pytest.raises(HarnessError, match="is not KEY=VALUE"):
        parse_tag("env")


def test_every_call_is_evidence_and_no_secret_is(fake_cloud: FakeCloud) -> None:
    fake_cloud.add_fleet(2, users=["user01", "user02"], tags={"env": "prod"})
    user = command_user(fake_cloud)
    evidence = Evidence()
    result = fleet_check(fake_cloud, user, PLAN, evidence=evidence).run(PROD)
    assert len(evidence.records) == result.calls
    assert user.key is not None
    assert user.key.secret not in evidence.text()


def test_without_a_wall_clock_heartbeats_are_judged_by_each_other(fake_cloud: FakeCloud) -> None:
    """A replay's answers are as old as its recording: no healthy agent may look stale then,
    and a silent one still does, measured from the newest heartbeat."""
    healthy, silent = fake_cloud.add_fleet(2, users=["user01", "user02"], tags={"env": "prod"})
    fake_cloud.set_agent(silent, "silent", seconds_ago=3600)
    user = command_user(fake_cloud)
    long_after = lambda: datetime.now(UTC) + timedelta(days=30)  # noqa: E731
    stale = fleet_check(fake_cloud, user, PLAN, wall_clock=long_after).run(PROD)
    assert stale.summary()["unreachable"] == 2  # a month later, every answer looks old
    judged = fleet_check(fake_cloud, user, PLAN, wall_clock=None).run(PROD)
    verdicts = verdicts_of(judged.instances)
    assert (verdicts[healthy], verdicts[silent]) == ("verified", "unreachable")


def test_throttling_that_never_ends_leaves_the_instances_unreachable(
    fake_cloud: FakeCloud,
) -> None:
    fake_cloud.add_fleet(20, users=["user01", "user02"], tags={"env": "prod"})
    user = command_user(fake_cloud)
    fake_cloud.inject("RunCommand", "Throttling.User", times=10_000)
    plan = Plan(users=("user01",), refused=(), max_concurrency=1)
    result = fleet_check(fake_cloud, user, plan).run(PROD)
    assert result.summary()["unreachable"] == 20
    assert all("RunCommand answered Throttling.User" in i.detail for i in result.instances)
    assert result.throttled == 7  # one chunk, tried 8 times in all: never split
