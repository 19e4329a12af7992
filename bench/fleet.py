"""What verifying a fleet costs on the fake: 1,000 instances against 100.

Each run: a fresh in-process fake account, a generated fleet tagged env=prod (users user01 and
user02), commandUser under the guide's allow-list and AliyunECSReadOnlyAccess, and the fleet
check through the official SDK: select by tag, check every agent, run
`whoami; id -Gn; sudo -n -l; sudo -n true` as user01 and as user02 (100 instances a call), try
root and system on each instance alone, one call at a time as the spec's fleet feature does on
the in-process fake. Only the check is timed, not making the fleet.

    python bench/fleet.py [--rounds 3] [--small 100] [--large 1000]

Runs alternate between the sizes in one process; medians are compared. Before each timed check
the heap is swept, so neither size pays (in a full collection) for the garbage of making its
fleet or of the run before. The calls grow tenfold by design (a refused name is tried on each
instance alone), so the time ratio is the calls ratio times how much dearer a call became; both
are printed, and the CPU seconds of this process beside the wall clock (on a shared machine the
wall clock also counts the other processes), with the share of it the garbage collector took
(the garbage the check itself makes: cyclic garbage is what a full collection walks the whole
heap for). Last line: `1000/100 time ratio: X` (wall clock; the target is at most 10). No
timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from dataclasses import dataclass

from fakes import FakeCloud
from harness.fleet.check import Plan
from harness.fleet.on_fake import command_user, fleet_check
from harness.fleet.selection import Selector

#: One call at a time, as the spec's fleet feature runs on the in-process fake (fleet_check in
#: harness/fleet/scene.py): every call holds the GIL there, so worker threads overlap nothing.
PLAN = Plan(users=("user01", "user02"), refused=("root", "system"), max_concurrency=1)


class Collections:
    """How long the garbage collector ran while it is watched, and how often in full."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.full = 0
        self._began = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
            return
        self.seconds += time.perf_counter() - self._began
        self.full += info["generation"] == 2


@dataclass(frozen=True)
class Run:
    took: float  # seconds, wall clock
    cpu: float  # seconds of this process's CPU
    calls: int  # API calls made
    gc: float  # seconds the garbage collector took of it
    full: int  # full collections among them


def one_run(size: int) -> Run:
    """What one check of a fleet of `size` cost."""
    with FakeCloud() as cloud:
        cloud.add_fleet(size, users=["user01", "user02"], tags={"env": "prod"})
        check = fleet_check(cloud, command_user(cloud), PLAN)
        gc.collect()
        collections = Collections()
        gc.callbacks.append(collections)
        started, cpu = time.perf_counter(), time.process_time()
        try:
            result = check.run(Selector(tags=(("env", "prod"),)))
        finally:
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
            gc.callbacks.remove(collections)
    verified = result.summary()["verified"]
    if verified != size:  # a benchmark of a check that did not check would measure nothing
        raise SystemExit(f"only {verified} of {size} instances verified: {result.summary()}")
    return Run(took, cpu, result.calls, collections.seconds, collections.full)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=1000)
    args = parser.parse_args()
    one_run(10)  # warm up: imports, first clients
    runs: dict[int, list[Run]] = {args.small: [], args.large: []}
    for _ in range(args.rounds):
        for size in (args.small, args.large):
            runs[size].append(one_run(size))
    times = {size: [r.took for r in them] for size, them in runs.items()}
    cpus = {size: [r.cpu for r in them] for size, them in runs.items()}
    calls = {size: them[-1].calls for size, them in runs.items()}
    for size, them in runs.items():
        median = statistics.median(times[size])
        print(
            f"{size} instances: median {median:.2f} s over {len(them)} runs "
            f"({min(times[size]):.2f} to {max(times[size]):.2f}), {calls[size]} API calls, "
            f"{median / size * 1000:.2f} ms per instance, "
            f"median {statistics.median(cpus[size]):.2f} s of CPU, of it "
            f"{statistics.median(r.gc for r in them):.3f} s collecting garbage "
            f"({max(r.full for r in them)} full collections at most)"
        )
    calls_ratio = calls[args.large] / calls[args.small]
    cpu_ratio = statistics.median(cpus[args.large]) / statistics.median(cpus[args.small])
    print(f"{args.large}/{args.small} calls ratio: {calls_ratio:.2f}")
    print(f"{args.large}/{args.small} CPU ratio: {cpu_ratio:.2f}")
    ratio = statistics.median(times[args.large]) / statistics.median(times[args.small])
    print(f"{args.large}/{args.small} time ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
