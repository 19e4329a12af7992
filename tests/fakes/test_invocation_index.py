"""The invocation indexes answer exactly what a scan of every invocation would.

Random runs, stops, reboots and clock moves go through the official SDK; after each, a random
read (filters and page) is asked of the indexes and of a brute-force scan at the same instant
of the virtual clock (the SDK ticks the clock on each call, so the two must be compared below
it). Paging through the SDK, by PageNumber/PageSize and by NextToken/MaxResults, is checked on a
settled account, where a tick changes nothing. Forgetting (A100, A101) is checked through the
SDK too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from fakes import FakeCloud
from fakes.services.ecs.records import Query
from fakes.services.ecs.state import Invocation

REGION = "cn-hangzhou"
STATUSES = (
    "Pending",
    "Running",
    "Finished",
    "Success",
    "Failed",
    "PartialFailed",
    "Stopped",
    "Scheduled",
    "Cancelled",
    "Terminated",
)
SCRIPTS = ("whoami", "exit 1", "echo hi")
USERS = ("user01", "user02", "nobody-here")


def _client(cloud: FakeCloud) -> EcsClient:
    key_id, secret = cloud.root_access_key
    return EcsClient(Config(access_key_id=key_id, access_key_secret=secret, region_id=REGION))


def _scan_invocations(cloud: FakeCloud, query: Query, now: datetime) -> list[Invocation]:
    """Every invocation kept, newest first, that matches: the scan the indexes replace."""
    return [
        inv
        for inv in reversed(list(cloud.ecs.invocations.values()))
        if inv.region == query.region
        and query.invoke_id in (None, inv.invoke_id)
        and query.command_id in (None, inv.command.command_id)
        and (
            query.instance_id is None
            or any(t.instance.instance_id == query.instance_id for t in inv.targets)
        )
        and query.status in (None, inv.overall(now), inv.legacy_status(now))
    ]


def _scan_results(cloud: FakeCloud, query: Query, now: datetime) -> list[tuple[str, int]]:
    rows = []
    for inv in _scan_invocations(
        cloud, Query(query.region, query.invoke_id, query.command_id), now
    ):
        for place, target in enumerate(inv.targets):
            status = target.status(now)
            record = "Running" if status in ("Pending", "Running") else "Finished"
            if query.instance_id not in (None, target.instance.instance_id):
                continue
            if query.status in (None, status, record):
                rows.append((inv.invoke_id, place))
    return rows


def _scan_task_counts(cloud: FakeCloud, now: datetime) -> dict[str, tuple[int, int, datetime]]:
    """Per instance that ran anything: its runs, the active ones and the last start, by a scan
    of every invocation kept."""
    counts: dict[str, tuple[int, int, datetime]] = {}
    for inv in cloud.ecs.invocations.values():
        for target in inv.targets:
            instance = target.instance
            runs, active, last = counts.get(instance.instance_id, (0, 0, instance.created))
            busy = target.status(now) in ("Pending", "Running")
            counts[instance.instance_id] = (runs + 1, active + busy, max(last, target.start_at))
    return counts


def _walk(read: Callable[..., Any], query: Query, now: datetime, size: int, *, token: bool) -> Any:
    """Every page of a read, by offset or by token: the items in order, and each page's total."""
    items: list[Any] = []
    totals = set()
    after: str | None = None
    for number in range(10_000):
        start = 0 if token else number * size
        page = read(query, now, after=after, start=start, size=size)
        items.extend(page.items)
        totals.add(page.total)
        if token:
            if not page.next_token:
                break
            after = page.next_token
        elif not page.items:
            break
    return items, totals


class IndexAgainstScan(RuleBasedStateMachine):
    """Random operations on a small account with a small cap, so that forgetting happens."""

    @initialize(limit=st.sampled_from([None, 6, 20]))
    def start(self, limit: int | None) -> None:
        self.cloud = FakeCloud(invocation_limit=limit).start()
        self.ecs = _client(self.cloud)
        self.limit = limit
        self.instances = [
            self.cloud.add_instance(os="linux", region=REGION, users=["user01", "user02"])
            for _ in range(3)
        ]
        self.command_id = self.ecs.create_command(
            ecs_models.CreateCommandRequest(
                region_id=REGION,
                name="kept",
                type="RunShellScript",
                command_content="d2hvYW1p",  # whoami
            )
        ).body.command_id
        self.made: list[str] = []

    def teardown(self) -> None:
        self.cloud.stop()

    @rule(
        data=st.data(),
        script=st.sampled_from(SCRIPTS),
        user=st.sampled_from(USERS),
        mode=st.sampled_from(["Once", "Once", "Once", "Period", "NextRebootOnly", "EveryReboot"]),
        kept=st.booleans(),
    )
    def run(self, data: st.DataObject, script: str, user: str, mode: str, kept: bool) -> None:
        chosen = data.draw(st.lists(st.sampled_from(self.instances), min_size=1, unique=True))
        fields: dict[str, Any] = {"repeat_mode": mode, "username": user, "instance_id": chosen}
        if mode == "Period":
            fields["frequency"] = "rate(90s)"
        if kept:
            request = ecs_models.InvokeCommandRequest(
                region_id=REGION, command_id=self.command_id, **fields
            )
            self.made.append(self.ecs.invoke_command(request).body.invoke_id)
        else:
            run = ecs_models.RunCommandRequest(
                region_id=REGION, type="RunShellScript", command_content=script, **fields
            )
            self.made.append(self.ecs.run_command(run).body.invoke_id)

    @rule(data=st.data(), all_instances=st.booleans())
    def stop(self, data: st.DataObject, all_instances: bool) -> None:
        if not self.made:
            return
        invoke_id = data.draw(st.sampled_from(self.made[-5:]))
        request = ecs_models.StopInvocationRequest(region_id=REGION, invoke_id=invoke_id)
        if not all_instances:
            request.instance_id = [data.draw(st.sampled_from(self.instances))]
        if invoke_id in self.cloud.ecs.invocations:
            self.ecs.stop_invocation(request)
        else:  # forgotten already: as if it never was (A101)
            with pytest.raises(ClientException, match=r"InvalidInvokeId\.NotFound"):
                self.ecs.stop_invocation(request)

    @rule(instance=st.integers(0, 2))
    def reboot(self, instance: int) -> None:
        self.ecs.reboot_instance(
            ecs_models.RebootInstanceRequest(instance_id=self.instances[instance])
        )

    @rule(seconds=st.sampled_from([1, 1, 1, 2, 61, 125]))
    def tick(self, seconds: int) -> None:
        self.cloud.clock.advance(timedelta(seconds=seconds))

    @rule()
    def a_month_passes(self) -> None:
        self.cloud.clock.advance(timedelta(days=31))

    @rule(
        data=st.data(),
        by=st.sets(st.sampled_from(["invoke", "command", "instance", "status"])),
        size=st.integers(1, 7),
    )
    def read(self, data: st.DataObject, by: set[str], size: int) -> None:
        now = self.cloud.clock.now()
        self.cloud.ecs.settle(now)  # what every read does first
        commands = [self.command_id, *(i.command.command_id for i in self._kept()[-3:])]
        query = Query(
            REGION,
            data.draw(st.sampled_from([*self.made[-6:], "t-none"])) if "invoke" in by else None,
            data.draw(st.sampled_from(commands)) if "command" in by else None,
            data.draw(st.sampled_from(self.instances)) if "instance" in by else None,
            data.draw(st.sampled_from(STATUSES)) if "status" in by else None,
        )
        records = self.cloud.ecs.records
        want_runs = _scan_invocations(self.cloud, query, now)
        want_rows = _scan_results(self.cloud, query, now)
        for token in (False, True):
            runs, totals = _walk(records.invocations, query, now, size, token=token)
            assert runs == want_runs, (query, token)
            assert totals == {len(want_runs)}
            rows, totals = _walk(records.results, query, now, size, token=token)
            assert [(i.invoke_id, i.targets.index(t)) for i, t in rows] == want_rows, query
            assert totals == {len(want_rows)}
        for status in STATUSES:  # a stale status bucket shows here first
            by_status = Query(REGION, status=status)
            runs, _ = _walk(records.invocations, by_status, now, 50, token=False)
            assert runs == _scan_invocations(self.cloud, by_status, now), status
            rows, _ = _walk(records.results, by_status, now, 50, token=False)
            found = [(i.invoke_id, i.targets.index(t)) for i, t in rows]
            assert found == _scan_results(self.cloud, by_status, now), status

    @rule(data=st.data())
    def poll(self, data: st.DataObject) -> None:
        """DescribeInvocationResults by InvokeId, the common poll: it settles and fixes, but
        walks no index, so what it fixes waits (indexed at the next read that walks one) while
        stops, reboots and the cap act on it."""
        if not self.made:
            return
        invoke_id = data.draw(st.sampled_from(self.made[-4:]))
        rows = self.ecs.describe_invocation_results(
            ecs_models.DescribeInvocationResultsRequest(region_id=REGION, invoke_id=invoke_id)
        ).body.invocation.invocation_results.invocation_result
        kept = self.cloud.ecs.invocations.get(invoke_id)
        assert len(rows) == (len(kept.targets) if kept is not None else 0)

    @rule()
    def agent_status(self) -> None:
        """DescribeCloudAssistantStatus' task counts, read from the instance index."""
        now = self.cloud.clock.now()
        self.cloud.ecs.settle(now)
        page = [self.cloud.ecs.instances[i] for i in self.instances]
        assert self.cloud.ecs._task_counts(page, now) == _scan_task_counts(self.cloud, now)

    @rule()
    def state_snapshot(self) -> None:
        """/_fake/state's invocations, a fixed one's kept from the first time: as taken now."""
        now = self.cloud.clock.now()
        taken = self.cloud.ecs.records.snapshot(now)
        assert taken == [inv.snapshot(now) for inv in self.cloud.ecs.invocations.values()]

    def _kept(self) -> list[Invocation]:
        return list(self.cloud.ecs.invocations.values())

    @invariant()
    def kept_within_the_cap_or_live(self) -> None:
        if not hasattr(self, "cloud"):
            return
        records = self.cloud.ecs.records
        if self.limit is not None:
            assert len(records) <= max(self.limit, len(records.live()))


IndexAgainstScan.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_index_answers_as_a_scan_would = IndexAgainstScan.TestCase


# ---- through the SDK, on a settled account ----------------------------------------------------


@pytest.fixture
def settled(cloud: FakeCloud, ecs: EcsClient) -> tuple[list[str], str]:
    """Nine invocations on two instances, all final: the InvokeIds oldest first, and one
    instance."""
    one = cloud.add_instance(os="linux", region=REGION, users=["user01"])
    two = cloud.add_instance(os="linux", region=REGION, users=["user01"])
    made = []
    for n in range(9):
        targets = [one, two] if n % 3 == 0 else [two]
        request = ecs_models.RunCommandRequest(
            region_id=REGION,
            type="RunShellScript",
            command_content="exit 1" if n % 2 else "whoami",
            instance_id=targets,
            username="user01",
        )
        made.append(ecs.run_command(request).body.invoke_id)
    cloud.clock.advance(timedelta(seconds=10))
    return made, one


def _by_page_number(ecs: EcsClient, size: int, **filters: Any) -> list[str]:
    seen: list[str] = []
    for number in range(1, 100):
        body = ecs.describe_invocations(
            ecs_models.DescribeInvocationsRequest(
                region_id=REGION, page_number=number, page_size=size, **filters
            )
        ).body
        got = [i.invoke_id for i in body.invocations.invocation]
        if not got:
            return seen
        assert (body.page_number, body.page_size) == (number, size)
        seen.extend(got)
    raise AssertionError("paging never ended")


def _by_token(ecs: EcsClient, size: int, **filters: Any) -> list[str]:
    seen: list[str] = []
    token = None
    for _ in range(100):
        body = ecs.describe_invocations(
            ecs_models.DescribeInvocationsRequest(
                region_id=REGION, max_results=size, next_token=token, **filters
            )
        ).body
        got = [i.invoke_id for i in body.invocations.invocation]
        assert len(got) <= size
        seen.extend(got)
        if not body.next_token:
            return seen
        token = body.next_token
    raise AssertionError("paging never ended")


@pytest.mark.parametrize("size", [1, 2, 4, 9, 50])
def test_both_ways_of_paging_list_every_invocation_once_newest_first(
    ecs: EcsClient, settled: tuple[list[str], str], size: int
) -> None:
    made, one = settled
    assert _by_page_number(ecs, size) == made[::-1]
    assert _by_token(ecs, size) == made[::-1]
    on_one = [made[n] for n in (6, 3, 0)]
    assert _by_page_number(ecs, size, instance_id=one) == on_one
    assert _by_token(ecs, size, instance_id=one) == on_one
    failed = [made[n] for n in range(8, -1, -1) if n % 2]  # the odd ones exit 1 everywhere
    assert _by_token(ecs, size, invoke_status="Failed") == failed


def test_result_rows_page_by_token_as_by_page_number(
    ecs: EcsClient, settled: tuple[list[str], str]
) -> None:
    made, _ = settled

    def rows(**paging: Any) -> tuple[list[tuple[str, str]], Any]:
        body = ecs.describe_invocation_results(
            ecs_models.DescribeInvocationResultsRequest(region_id=REGION, **paging)
        ).body.invocation
        return [
            (r.invoke_id, r.instance_id) for r in body.invocation_results.invocation_result
        ], body

    everything, body = rows(page_size=50)
    assert body.total_count == 12  # three runs on two instances, six on one
    assert [invoke for invoke, _ in everything][:2] == [made[8], made[7]]
    walked: list[tuple[str, str]] = []
    token = None
    while True:
        page, body = rows(max_results=5, next_token=token)
        walked.extend(page)
        token = body.next_token
        if not token:
            break
    assert walked == everything


def test_a_token_the_api_never_gave_is_refused(ecs: EcsClient) -> None:
    with pytest.raises(ClientException) as caught:
        ecs.describe_invocations(
            ecs_models.DescribeInvocationsRequest(region_id=REGION, next_token="not-a-token")
        )
    assert caught.value.code == "InvalidParameter"
    assert "NextToken" in caught.value.message


# ---- forgetting (A100, A101) ------------------------------------------------------------------


def _describe(ecs: EcsClient, invoke_id: str) -> list[Any]:
    return list(
        ecs.describe_invocations(
            ecs_models.DescribeInvocationsRequest(region_id=REGION, invoke_id=invoke_id)
        ).body.invocations.invocation
    )


def test_beyond_the_cap_the_oldest_completed_invocation_is_forgotten() -> None:
    with FakeCloud(invocation_limit=3) as cloud:
        ecs = _client(cloud)
        linux = cloud.add_instance(os="linux", region=REGION, users=["user01"])
        made = []
        for _ in range(4):
            request = ecs_models.RunCommandRequest(
                region_id=REGION,
                type="RunShellScript",
                command_content="whoami",
                instance_id=[linux],
                username="user01",
            )
            made.append(ecs.run_command(request).body.invoke_id)
            cloud.clock.advance(timedelta(seconds=5))
        listed = ecs.describe_invocations(
            ecs_models.DescribeInvocationsRequest(region_id=REGION, page_size=50)
        ).body
        assert [i.invoke_id for i in listed.invocations.invocation] == made[:0:-1]
        assert listed.total_count == 3
        assert _describe(ecs, made[0]) == []
        with pytest.raises(ClientException) as caught:
            ecs.stop_invocation(
                ecs_models.StopInvocationRequest(region_id=REGION, invoke_id=made[0])
            )
        assert caught.value.code == "InvalidInvokeId.NotFound"


def test_a_forgotten_run_takes_its_unkept_command_with_it_and_a_kept_one_stays() -> None:
    with FakeCloud(invocation_limit=1) as cloud:
        ecs = _client(cloud)
        linux = cloud.add_instance(os="linux", region=REGION, users=["user01"])
        made = []
        for keep in (False, True, False, False):
            request = ecs_models.RunCommandRequest(
                region_id=REGION,
                type="RunShellScript",
                command_content="whoami",
                instance_id=[linux],
                username="user01",
                keep_command=keep,
            )
            made.append(ecs.run_command(request).body.command_id)
            cloud.clock.advance(timedelta(seconds=5))
        _describe(ecs, "t-none")  # a read settles the last run, which forgets the one before
        assert set(cloud.ecs.commands) == {made[1], made[3]}
        saved = ecs.describe_commands(
            ecs_models.DescribeCommandsRequest(region_id=REGION, command_id=made[1])
        ).body.commands.command
        assert [c.command_id for c in saved] == [made[1]]


def test_an_invocation_still_running_is_kept_past_the_cap() -> None:
    with FakeCloud(invocation_limit=1) as cloud:
        ecs = _client(cloud)
        linux = cloud.add_instance(os="linux", region=REGION, users=["user01"])
        made = [
            ecs.run_command(
                ecs_models.RunCommandRequest(
                    region_id=REGION,
                    type="RunShellScript",
                    command_content="whoami",
                    instance_id=[linux],
                )
            ).body.invoke_id
            for _ in range(2)
        ]
        assert [len(_describe(ecs, i)) for i in made] == [1, 1]  # neither is final yet


def test_thirty_days_later_a_completed_invocation_is_forgotten(
    cloud: FakeCloud, ecs: EcsClient
) -> None:
    linux = cloud.add_instance(os="linux", region=REGION, users=["user01"])
    invoke_id = ecs.run_command(
        ecs_models.RunCommandRequest(
            region_id=REGION, type="RunShellScript", command_content="whoami", instance_id=[linux]
        )
    ).body.invoke_id
    cloud.clock.advance(timedelta(days=29))
    assert len(_describe(ecs, invoke_id)) == 1
    cloud.clock.advance(timedelta(days=1))
    assert _describe(ecs, invoke_id) == []
    assert invoke_id not in str(cloud.snapshot())


def test_each_invocation_is_forgotten_thirty_days_after_it_was_made_whatever_the_cap_forgot() -> (
    None
):
    """The records skip the retention walk until the oldest one kept is due (a moment they
    keep): after the cap forgets the oldest, that moment is the next oldest's, not a newer's,
    and a newer one is kept until its own 30 days are over."""
    with FakeCloud(invocation_limit=2) as cloud:
        ecs = _client(cloud)
        linux = cloud.add_instance(os="linux", region=REGION, users=["user01"])
        request = ecs_models.RunCommandRequest(
            region_id=REGION, type="RunShellScript", command_content="whoami", instance_id=[linux]
        )
        made = []
        for _ in range(3):  # a day apart, each completed before the next is made
            made.append(ecs.run_command(request).body.invoke_id)
            cloud.clock.advance(timedelta(days=1))
            assert len(_describe(ecs, made[-1])) == 1
        second, third = made[1:]
        assert [len(_describe(ecs, i)) for i in made] == [0, 1, 1]  # the cap forgot the first
        cloud.clock.advance(timedelta(days=28))  # the second was made 30 days ago
        assert [len(_describe(ecs, i)) for i in (second, third)] == [0, 1]
        cloud.clock.advance(timedelta(days=1))
        assert _describe(ecs, third) == []


def test_a_shorter_retention_takes_effect_at_the_next_read() -> None:
    """`retention` is the records' own setting: lowered, it forgets what is older at once, not
    once the old retention would have run out."""
    with FakeCloud() as cloud:
        ecs = _client(cloud)
        linux = cloud.add_instance(os="linux", region=REGION, users=["user01"])
        request = ecs_models.RunCommandRequest(
            region_id=REGION, type="RunShellScript", command_content="whoami", instance_id=[linux]
        )
        invoke_id = ecs.run_command(request).body.invoke_id
        cloud.clock.advance(timedelta(days=2))
        assert len(_describe(ecs, invoke_id)) == 1  # within 30 days: kept
        cloud.ecs.records.retention = timedelta(days=1)
        assert _describe(ecs, invoke_id) == []


def test_a_cap_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="invocation_limit"):
        FakeCloud(invocation_limit=0)


# ---- RunCommand's length check, computed rather than encoded ----------------------------------


@pytest.mark.parametrize(
    ("script", "refused"),
    [
        ("x" * 18_432, False),  # 24 KiB of Base64 exactly
        ("x" * 18_433, True),
        ("é" * 9_216, False),  # two bytes each: 18,432 bytes
        ("é" * 9_216 + "x", True),
    ],
)
def test_a_plain_text_script_is_measured_as_its_base64(
    cloud: FakeCloud, ecs: EcsClient, script: str, refused: bool
) -> None:
    linux = cloud.add_instance(os="linux", region=REGION, users=["user01"])
    request = ecs_models.RunCommandRequest(
        region_id=REGION,
        type="RunShellScript",
        command_content=script,
        content_encoding="PlainText",
        instance_id=[linux],
    )
    if refused:
        with pytest.raises(ClientException) as caught:
            ecs.run_command(request)
        assert caught.value.code == "CmdContent.ExceedLimit"
    else:
        assert ecs.run_command(request).body.invoke_id
