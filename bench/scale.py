"""What a DescribeInvocations or DescribeInvocationResults page costs as the account's stored
invocations grow: 100, 10,000 and 50,000 of them, made 1 and 100 instances per call.

Stored invocations are counted as the service counts execution records, one per instance: at
100 instances per call, 50,000 stored are 500 RunCommand calls of 100 instances each (50,000
calls of 100 would hold five million results, more memory than the bench should take).

The reads go through the official ECS SDK, in-process, as the account owner: a first page of
10 (no filter), a page for one instance, a page by status, and one InvokeId's result rows. The
invocations are stored with the same RunCommand action the SDK reaches, called on the service
without the wire (signing 50,000 SDK calls would take minutes and measure nothing here); the
clock is then moved on, so that they have all finished, as stored invocations have.

    python bench/scale.py [--reads 200] [--sizes 100,10000,50000]

One line per size and fan-out with the cost of a read in ms (the least of seven batch means, the
sizes' batches taken in turn, so that other processes on the machine weigh on every size alike);
last line
`growth 100 -> 50000: X`: what the five reads cost together at 50,000 stored over what they cost
at 100, the larger of the two fan-outs' ratios. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.models import Config

from fakes import FakeCloud
from fakes.services.base import Call, Principal
from fakes.wire.rpc import Params

REGION = "cn-hangzhou"
BATCHES = 7


class _Owner:
    """The account owner's authorizer: the owner is never refused."""

    def check(self, principal: Principal, action: str, resource: str, context: object) -> None:
        return None


def store(cloud: FakeCloud, count: int, instances: list[str]) -> str:
    """`count` RunCommand calls on `instances`, straight to the ECS service; the last InvokeId."""
    owner = Principal("Account", "root", cloud.account_id, cloud.root_access_key[0])
    pairs = [
        ("RegionId", REGION),
        ("Type", "RunShellScript"),
        ("CommandContent", "whoami"),
        *((f"InstanceId.{n}", i) for n, i in enumerate(instances, start=1)),
    ]
    last = ""
    for n in range(count):
        call = Call(
            product="ecs",
            action="RunCommand",
            params=Params(dict(pairs)),
            region=REGION,
            caller=owner,
            now=cloud.clock.advance(),
            authorizer=_Owner(),
            global_context={},
        )
        last = str(cloud.ecs.handle(call)["InvokeId"])
        if n % 1000 == 999:  # as reads would: let them start and finish now and then
            cloud.clock.advance(timedelta(seconds=10))
            cloud.ecs.settle(cloud.clock.now())
    cloud.clock.advance(timedelta(seconds=10))
    return last


def _reads(
    client: EcsClient, instance: str, invoke_id: str, size: int
) -> dict[str, Callable[[], object]]:
    return {
        "first page": lambda: client.describe_invocations(
            ecs.DescribeInvocationsRequest(region_id=REGION, page_size=size)
        ),
        "by instance": lambda: client.describe_invocations(
            ecs.DescribeInvocationsRequest(region_id=REGION, instance_id=instance, page_size=size)
        ),
        "by status": lambda: client.describe_invocations(
            ecs.DescribeInvocationsRequest(
                region_id=REGION, invoke_status="Success", page_size=size
            )
        ),
        "results of one": lambda: client.describe_invocation_results(
            ecs.DescribeInvocationResultsRequest(region_id=REGION, invoke_id=invoke_id)
        ),
        "results by instance": lambda: client.describe_invocation_results(
            ecs.DescribeInvocationResultsRequest(region_id=REGION, instance_id=instance)
        ),
    }


class Account:
    """One fake account holding `stored` per-instance results, and the reads to time on it."""

    def __init__(self, stored: int, fan_out: int) -> None:
        self.cloud = FakeCloud(invocation_limit=None)
        instances = [self.cloud.add_instance(os="linux", users=["user01"]) for _ in range(fan_out)]
        last = store(self.cloud, max(1, stored // fan_out), instances)
        key_id, secret = self.cloud.root_access_key
        client = EcsClient(Config(access_key_id=key_id, access_key_secret=secret, region_id=REGION))
        # A page of 10 invocations, or of one at 100 instances per call (100 stored results are
        # one invocation then): the same page at every size, so only the stored count varies.
        self.reads = _reads(client, instances[0], last, 10 if fan_out == 1 else 1)
        with self.cloud:
            for read in self.reads.values():
                read()  # warm: the first read settles what is due

    def batch(self, reads: int) -> dict[str, float]:
        """ms per read, by kind, over one batch of `reads` reads of each kind."""
        costs = {}
        with self.cloud:
            for name, read in self.reads.items():
                started = time.perf_counter()
                for _ in range(reads):
                    read()
                costs[name] = (time.perf_counter() - started) / reads * 1000
        return costs


def measure(sizes: list[int], fan_out: int, reads: int) -> dict[int, dict[str, float]]:
    """ms per read by size and kind: the least of `BATCHES` batches, the sizes' batches taken in
    turn, so that a busy moment of the machine falls on every size alike."""
    accounts = {stored: Account(stored, fan_out) for stored in sizes}
    best: dict[int, dict[str, float]] = {}
    for _ in range(BATCHES):
        for stored, account in accounts.items():
            for name, ms in account.batch(max(1, reads // BATCHES)).items():
                best.setdefault(stored, {})[name] = min(ms, best.get(stored, {}).get(name, ms))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=200, help="reads of each kind per size")
    parser.add_argument("--sizes", default="100,10000,50000", help="stored invocations")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    table: dict[tuple[int, int], dict[str, float]] = {}
    for fan_out in (1, 100):
        for stored, costs in measure(sizes, fan_out, args.reads).items():
            table[stored, fan_out] = costs
            shown = ", ".join(f"{name} {ms:.2f}" for name, ms in costs.items())
            print(f"{stored:>6} stored, {fan_out:>3} instances per call: ms per read: {shown}")
    growth = {  # the whole mix of reads, so that one noisy read does not decide it
        fan_out: sum(table[sizes[-1], fan_out].values()) / sum(table[sizes[0], fan_out].values())
        for fan_out in (1, 100)
    }
    for fan_out, ratio in growth.items():
        print(f"{fan_out:>3} instances per call: the reads cost {ratio:.2f} times as much")
    largest = statistics.median(table[sizes[-1], 1].values())
    print(f"median read at {sizes[-1]} stored, 1 instance per call: {largest:.2f} ms")
    print(f"growth {sizes[0]} -> {sizes[-1]}: {max(growth.values()):.2f}")


if __name__ == "__main__":
    main()
