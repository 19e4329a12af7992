"""Throughput of the RAM policy engine on the guide's policies: compile once, evaluate many.

Run `python bench/policy_eval.py`. It evaluates a realistic mix of Cloud Assistant requests for
about two seconds on one core and ends with the line `decisions per second: N`.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # runnable from a checkout that is not installed
    sys.path.insert(0, str(REPO))

from fakes.policy import (  # noqa: E402
    AuthRequest,
    CompiledPolicy,
    PolicySource,
    compile_policy,
    evaluate,
)

DURATION = 2.0
ACCOUNT = "1234567890123456"
READ_ONLY = (
    '{"Version":"1","Statement":[{"Effect":"Allow","Action":["ecs:Describe*","ecs:List*"],'
    '"Resource":"*"}]}'
)


def principals() -> dict[str, list[tuple[PolicySource, CompiledPolicy]]]:
    """Two RAM users as the guide sets them up: one per policy flavour, both read-only."""
    guide = REPO / "features" / "policies"
    read_only = (PolicySource("AliyunECSReadOnlyAccess", "System"), compile_policy(READ_ONLY))
    return {
        flavour: [
            (
                PolicySource("commandUserPolicy", "Custom"),
                compile_policy((guide / f"commandUserPolicy.{flavour}.json").read_text()),
            ),
            read_only,
        ]
        for flavour in ("allowlist", "denylist")
    }


def request_mix() -> list[AuthRequest]:
    """Run/Invoke per instance with assorted run-as users, plus reads and a few refused calls."""
    mix: list[AuthRequest] = []
    instances = [f"acs:ecs:cn-hangzhou:{ACCOUNT}:instance/i-{n:04d}" for n in range(8)]
    command = f"acs:ecs:cn-hangzhou:{ACCOUNT}:command/c-0001"
    for instance, user in itertools.product(
        instances, ["user01", "user02", "root", "ROOT", "System", None]
    ):
        context = {} if user is None else {"ecs:CommandRunAs": (user,)}
        mix.append(AuthRequest("ecs:RunCommand", instance, context))
        mix.append(AuthRequest("ecs:InvokeCommand", instance, context))
        mix.append(AuthRequest("ecs:InvokeCommand", command, context))
    for instance in instances:
        mix.append(AuthRequest("ecs:DescribeInvocationResults", instance, {}))
        mix.append(AuthRequest("ecs:DescribeInstances", instance, {}))
        mix.append(AuthRequest("ecs:DeleteInstance", instance, {}))
    mix.append(AuthRequest("ecs:CreateCommand", f"acs:ecs:cn-hangzhou:{ACCOUNT}:command/*", {}))
    mix.append(AuthRequest("ecs:DescribeCloudAssistantStatus", "*", {}))
    return mix


def main() -> None:
    started = time.perf_counter()
    users = principals()
    compiled = time.perf_counter() - started
    mix = request_mix()
    work = [(policies, request) for policies in users.values() for request in mix]
    kinds: Counter[str] = Counter()
    for policies, request in work:  # warm up, and count what the mix decides
        kinds[evaluate(policies, request).kind] += 1
    decisions = 0
    deadline = time.perf_counter() + DURATION
    began = time.perf_counter()
    while time.perf_counter() < deadline:
        for policies, request in work:
            evaluate(policies, request)
        decisions += len(work)
    elapsed = time.perf_counter() - began
    print(f"compiled 3 policies in {compiled * 1000:.2f} ms")
    print(
        f"request mix: {len(work)} requests; "
        + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    )
    print(
        f"evaluated {decisions} decisions in {elapsed:.2f} s "
        f"({elapsed / decisions * 1e6:.2f} us each)"
    )
    print(f"decisions per second: {int(decisions / elapsed)}")


if __name__ == "__main__":
    main()
