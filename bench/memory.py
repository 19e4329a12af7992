"""How much a long-lived fake grows per SDK round trip, measured with tracemalloc.

One `FakeCloud` serves `--round-trips` round trips (RunCommand + DescribeInvocationResults
through the official ECS SDK, as a RAM user under the guide's allow-list policy, the same round
trip as bench/fake_overhead.py), after a warm-up. The memory still allocated at the end, minus
what was allocated after the warm-up, divided by the round trips, is the growth per round trip:
everything the fake keeps (the invocations it remembers, the nonces of the last 15 minutes,
what `responses` records), nothing it frees. The largest keepers are listed by file.

    python bench/memory.py [--round-trips 2000] [--keep-calls 0]

Last line: `bytes per round trip: N`. No figure is asserted anywhere.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round-trips", type=int, default=2000)
    parser.add_argument("--warm-up", type=int, default=50)
    parser.add_argument("--keep-calls", type=int, default=0, help="FakeCloud(keep_calls=N)")
    parser.add_argument("--top", type=int, default=5, help="largest keepers to list, by file")
    args = parser.parse_args()

    cloud, client, instance_id = fake_setup(keep_calls=args.keep_calls)
    for _ in range(args.warm_up):
        round_trip(client, instance_id)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for _ in range(args.round_trips):
        round_trip(client, instance_id)
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    cloud.stop()

    growth = after.compare_to(before, "filename")
    total = sum(stat.size_diff for stat in growth)
    print(f"round trips: {args.round_trips} (after {args.warm_up} to warm up)")
    print(f"keep_calls: {args.keep_calls}")
    for stat in growth[: args.top]:
        where = stat.traceback[0].filename
        print(f"  {stat.size_diff / args.round_trips:8.0f} B/round trip  {where}")
    print(f"bytes per round trip: {total / args.round_trips:.0f}")


if __name__ == "__main__":
    main()
