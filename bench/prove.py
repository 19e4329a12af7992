"""Time the prover (harness/prove) on the guide's policies and on each row of issue 13's table.

Run `python bench/prove.py`. Each row is its question for both run-as actions (RunCommand and
InvokeCommand), timed as the median of several runs after one warm-up; the guide's policies are
timed as a whole `prove()` (every question the CLI asks). The last line is
`proofs per second: N`, a proof being one question answered for one action. Figures only: the
target (every row under 100 ms) is read, never asserted.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # runnable from a checkout that is not installed
    sys.path.insert(0, str(REPO))

from harness.prove import questions  # noqa: E402
from harness.prove.request import RUN_AS_ACTIONS  # noqa: E402
from harness.prove.solve import Answer  # noqa: E402
from harness.prove.sources import load, policy_set  # noqa: E402

GUIDE = REPO / "features" / "policies"
GLOB = REPO / "tests" / "prove" / "policies" / "commandUserPolicy.allowlist-glob.json"
RUNS = 5
DURATION = 2.0


def _policies(*names: str) -> questions.Policies:
    return policy_set(
        [load(name if name.startswith("Aliyun") else str(GUIDE / name)) for name in names]
    )


ALLOW = _policies("commandUserPolicy.allowlist.json")
DENY = _policies("commandUserPolicy.denylist.json")
FULL = _policies("commandUserPolicy.denylist.json", "AliyunECSFullAccess")
HARDENED = _policies("commandUserPolicy.hardened.json", "AliyunECSFullAccess")
ALLOW_GLOB = policy_set([load(str(GLOB))])

Question = Callable[[str], Answer]


def _forbidden(policies: questions.Policies) -> list[Question]:
    return [
        lambda action, name=name: questions.run_as_any_case(policies, action, name)
        for name in questions.FORBIDDEN
    ]


ROWS: list[tuple[str, list[Question]]] = [
    ("allow-list: never", _forbidden(ALLOW)),
    ("deny-list, key always present (A1): never", _forbidden(DENY)),
    (
        "deny-list, key absent: root (if A1 is false)",
        [lambda action: questions.run_naming_no_user(DENY, action)],
    ),
    (
        "deny-list: ecs-assist-user is allowed",
        [lambda action: questions.run_as_exactly(DENY, action, questions.ECS_ASSIST_USER)],
    ),
    (
        "allow-list with StringLike user0*: user0root... is allowed",
        [lambda action: questions.run_as_other_than(ALLOW_GLOB, action, (), baseline=ALLOW)],
    ),
    ("deny-list + AliyunECSFullAccess: Root", _forbidden(FULL)),
    ("the same + the hardened Deny: never", _forbidden(HARDENED)),
]


def _time(work: Callable[[], object]) -> float:
    work()  # warm-up: z3 terms and the case-folding table are built once per process
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _row(asked: list[Question]) -> Callable[[], list[Answer]]:
    return lambda: [question(action) for action in RUN_AS_ACTIONS for question in asked]


def main() -> None:
    print(f"prover, median of {RUNS} runs after a warm-up, both run-as actions per row")
    for name, policies in (("allow-list", ALLOW), ("deny-list", DENY), ("hardened", HARDENED)):
        seconds = _time(lambda policies=policies: questions.prove(policies))
        print(f"  the guide's {name}, every question: {seconds * 1000:8.1f} ms")
    slowest = 0.0
    for name, asked in ROWS:
        seconds = _time(_row(asked))
        slowest = max(slowest, seconds)
        answers = _row(asked)()
        verdicts = ", ".join(sorted({a.verdict.value for a in answers}))
        print(f"  {name:<62} {seconds * 1000:8.1f} ms  ({verdicts})")
    print(f"slowest row: {slowest * 1000:.1f} ms (target: under 100 ms)")
    proofs, start = 0, time.perf_counter()
    while time.perf_counter() - start < DURATION:
        for _name, asked in ROWS:
            proofs += len(_row(asked)())
    print(f"proofs per second: {proofs / (time.perf_counter() - start):.0f}")


if __name__ == "__main__":
    main()
