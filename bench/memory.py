"""How much a long-lived fake grows per SDK round trip, measured with tracemalloc.

One `FakeCloud` serves `--round-trips` round trips (RunCommand + DescribeInvocationResults
through the official ECS SDK, as a RAM user under the guide's allow-list policy, the same round
trip as bench/fake_overhead.py), after a warm-up. The memory still allocated at the end, minus
what was allocated after the warm-up, divided by the round trips, is the growth per round trip:
everything the fake keeps (the invocations it remembers, the nonces of the last 15 minutes,
what `responses` records), nothing it frees. The largest keepers are listed by file.

It measures twice: first while the fake still remembers every invocation (it keeps up to
10,000, as Cloud Assistant keeps its execution records: the growth is mostly those records and
their indexes), then once it has reached `--invocation-limit` (after a warm-up past it), where
each new invocation makes the fake forget the oldest: the long-lived steady state.

    python bench/memory.py [--round-trips 2000] [--keep-calls 0] [--invocation-limit 500]

Last line: `bytes per round trip at the invocation limit: N`. No figure is asserted anywhere.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:  # `fake_overhead` sits beside this file
    sys.path.insert(0, str(BENCH))

from fake_overhead import fake_setup, round_trip  # noqa: E402

from fakes.services.ecs.records import MAX_RECORDS  # noqa: E402


def growth_per_round_trip(
    round_trips: int, warm_up: int, keep_calls: int, invocation_limit: int | None, top: int
) -> float:
    """Serve `warm_up` then `round_trips` round trips from one fake; print the largest keepers
    of what the measured ones left allocated, and return the bytes per round trip."""
    cloud, client, instance_id = fake_setup(
        keep_calls=keep_calls, invocation_limit=invocation_limit
    )
    for _ in range(warm_up):
        round_trip(client, instance_id)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for _ in range(round_trips):
        round_trip(client, instance_id)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    cloud.stop()

    growth = after.compare_to(before, "filename")
    for stat in growth[:top]:
        where = stat.traceback[0].filename
        print(f"  {stat.size_diff / round_trips:8.0f} B/round trip  {where}")
    return sum(stat.size_diff for stat in growth) / round_trips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round-trips", type=int, default=2000)
    parser.add_argument("--warm-up", type=int, default=50)
    parser.add_argument("--keep-calls", type=int, default=0, help="FakeCloud(keep_calls=N)")
    parser.add_argument(
        "--invocation-limit", type=int, default=500, help="FakeCloud(invocation_limit=N)"
    )
    parser.add_argument("--top", type=int, default=5, help="largest keepers to list, by file")
    args = parser.parse_args()

    print(f"round trips: {args.round_trips} (after {args.warm_up} to warm up)")
    print(f"keep_calls: {args.keep_calls}")
    print(f"remembering every invocation (the default keeps up to {MAX_RECORDS}):")
    kept = growth_per_round_trip(
        args.round_trips, args.warm_up, args.keep_calls, MAX_RECORDS, args.top
    )
    print(f"bytes per round trip while every invocation is kept: {kept:.0f}")
    limit = args.invocation_limit
    print(f"at invocation_limit={limit}, after {limit + args.warm_up} round trips to reach it:")
    steady = growth_per_round_trip(
        args.round_trips, limit + args.warm_up, args.keep_calls, limit, args.top
    )
    print(f"bytes per round trip at the invocation limit: {steady:.0f}")


if __name__ == "__main__":
    main()
