"""What verifying a fleet costs on the fake: 1,000 instances against 100.

Each run: a fresh in-process fake account, a generated fleet tagged env=prod (users user01 and
user02), commandUser under the guide's allow-list and AliyunECSReadOnlyAccess, and the fleet
check through the official SDK: select by tag, check every agent, run
`whoami; id -Gn; sudo -n true` as user01 and as user02 (100 instances a call), try root and
system on each instance alone. Only the check is timed, not making the fleet.

    python bench/fleet.py [--rounds 3] [--small 100] [--large 1000]

Runs alternate between the sizes in one process; medians are compared. Last line:
`1000/100 time ratio: X` (the target is at most 10). No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import statistics
import time

from fakes import FakeCloud
from harness.fleet.check import Plan
from harness.fleet.on_fake import command_user, fleet_check
from harness.fleet.selection import Selector

PLAN = Plan(users=("user01", "user02"), refused=("root", "system"))


def one_run(size: int) -> tuple[float, int]:
    """Seconds the check took, and the API calls it made."""
    with FakeCloud() as cloud:
        cloud.add_fleet(size, users=["user01", "user02"], tags={"env": "prod"})
        check = fleet_check(cloud, command_user(cloud), PLAN)
        started = time.perf_counter()
        result = check.run(Selector(tags=(("env", "prod"),)))
        took = time.perf_counter() - started
    verified = result.summary()["verified"]
    if verified != size:  # a benchmark of a check that did not check would measure nothing
        raise SystemExit(f"only {verified} of {size} instances verified: {result.summary()}")
    return took, result.calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=1000)
    args = parser.parse_args()
    one_run(10)  # warm up: imports, first clients
    times: dict[int, list[float]] = {args.small: [], args.large: []}
    calls: dict[int, int] = {}
    for _ in range(args.rounds):
        for size in (args.small, args.large):
            took, calls[size] = one_run(size)
            times[size].append(took)
    for size, runs in times.items():
        median = statistics.median(runs)
        print(
            f"{size} instances: median {median:.2f} s over {len(runs)} runs "
            f"({min(runs):.2f} to {max(runs):.2f}), {calls[size]} API calls, "
            f"{median / size * 1000:.2f} ms per instance"
        )
    ratio = statistics.median(times[args.large]) / statistics.median(times[args.small])
    print(f"{args.large}/{args.small} time ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
