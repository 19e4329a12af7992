"""A refused call leaves no garbage only the cycle collector could free.

A verification of a fleet makes thousands of refused calls (root tried on each instance alone).
When an error keeps its traceback, its frames (and, through them, every caller's frame and
locals) form a reference cycle, freed only when the garbage collector runs: time that grows
with the live heap, so with the fleet. This test makes refused RunCommands through the official
SDK and the harness's gateway with the collector off, then counts what the collector finds.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as ecs

from fakes import FakeCloud
from harness.fleet.on_fake import command_user
from harness.sdk.clients import ecs_client
from harness.sdk.evidence import Evidence
from harness.sdk.gateway import Gateway, Refusal

CALLS = 20
#: Batches of CALLS calls; the median one is judged (see `_cyclic_garbage`).
BATCHES = 3
#: Objects per refused call the collector may still find (the SDK's own: a few at most). With
#: the tracebacks kept there were about 180.
MOST_PER_CALL = 10


@pytest.fixture
def collector_off() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run_as_root(region: str, instance: str) -> tuple[str, Any]:
    request = ecs.RunCommandRequest(
        region_id=region,
        type="RunShellScript",
        command_content="whoami",
        instance_id=[instance],
        username="root",
    )
    return "run_command", request


def _bad_token(region: str, instance: str) -> tuple[str, Any]:
    """Refused by an error raised while another was handled (its `__context__`)."""
    return "describe_invocation_results", ecs.DescribeInvocationResultsRequest(
        region_id=region, next_token="not-a-token-the-api-gave", max_results=10
    )


@pytest.mark.parametrize(
    ("refusal", "code"),
    [(_run_as_root, "Forbidden.RAM"), (_bad_token, "InvalidParameter")],
    ids=["run-as-root", "bad-next-token"],
)
def test_refused_calls_leave_no_cycles(
    collector_off: None,
    refusal: Callable[[str, str], tuple[str, Any]],
    code: str,
) -> None:
    with FakeCloud() as cloud:
        instance = cloud.add_instance(os="linux", users=["user01"])
        client = ecs_client(command_user(cloud), cloud.default_region)
        gateway = Gateway(Evidence())
        method, request = refusal(cloud.default_region, instance)

        def refused() -> str:
            try:
                gateway.call("commandUser", getattr(client, method), request)
            except Refusal as refusal:
                return refusal.code
            return "answered"

        assert refused() == code  # warm: first-use objects are not per call
        batches = [_cyclic_garbage(refused, code) for _ in range(BATCHES)]
    median = sorted(batches, key=sum_of)[BATCHES // 2]
    assert sum_of(median) <= CALLS * MOST_PER_CALL, (
        f"{sum_of(median) / CALLS:.0f} objects of cyclic garbage a call, in the median of"
        f" {BATCHES} batches of {CALLS}: {median.most_common(8)}"
    )


def sum_of(found: Counter[str]) -> int:
    return sum(found.values())


def _cyclic_garbage(refused: Callable[[], str], code: str) -> Counter[str]:
    """What the collector finds after CALLS refused calls, by type name.

    The collector sees the whole process: garbage another thread made meanwhile (a server an
    earlier test of this worker stopped, a one-off cache fill) counts too. Such garbage is not
    per call, so the test judges the median of BATCHES batches: garbage each call makes is in
    every batch, and a leak in most batches (every few calls) is in the median too."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        codes = {refused() for _ in range(CALLS)}
        gc.collect()
        found = Counter(type(thing).__name__ for thing in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert codes == {code}
    return found
