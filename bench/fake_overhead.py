"""What the fake costs per SDK call, compared with a bare canned `responses` reply.

One round trip = RunCommand + DescribeInvocationResults through the official ECS SDK, as a RAM
user under the guide's allow-list policy (so signature checks and policy evaluation are paid).
The baseline sends the same SDK calls to a `responses` callback that returns, byte for byte,
the bodies the fake gave for the same calls.
Rounds alternate between the two in one process; medians of per-round means are compared.
Each fake round starts a fresh account, as each scenario of the spec does, so the state the
fake carries stays the size of a test's.

    python bench/fake_overhead.py [--rounds 15] [--calls 100] [--clock wall|cpu]

Last line: `ratio: X.XX` (fake / canned). No timing is asserted anywhere.

`--split` (a diagnostic, no ratio) times the fake's stages instead: the same round trips
against the fake alone, with each stage of the request path wrapped in a timer, and prints the
microseconds each stage takes per round trip (inclusive: `adapter` holds `handle`, which holds
the rest; `glue` is what `handle` spends outside its named stages). The wrappers cost a little
themselves, and reach into the fake's private names: read the figures as a split, not as the
overhead itself.
"""

from __future__ import annotations

import argparse
import functools
import gc
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import responses
from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as ram
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.models import Config
from requests import PreparedRequest

from fakes import FakeCloud
from fakes.services.ecs.records import MAX_RECORDS
from fakes.wire.http import HttpRequest, HttpResponse

POLICY = (
    Path(__file__).resolve().parent.parent / "features/policies/commandUserPolicy.allowlist.json"
)
REGION = "cn-hangzhou"


def _config(key_id: str, secret: str) -> Config:
    return Config(access_key_id=key_id, access_key_secret=secret, region_id=REGION)


def round_trip(client: EcsClient, instance_id: str) -> None:
    started = client.run_command(
        ecs.RunCommandRequest(
            region_id=REGION,
            type="RunShellScript",
            command_content="whoami",
            instance_id=[instance_id],
            username="user01",
        )
    ).body
    client.describe_invocation_results(
        ecs.DescribeInvocationResultsRequest(region_id=REGION, invoke_id=started.invoke_id)
    )


def fake_setup(
    keep_calls: int = 0, invocation_limit: int | None = MAX_RECORDS
) -> tuple[FakeCloud, EcsClient, str]:
    cloud = FakeCloud(keep_calls=keep_calls, invocation_limit=invocation_limit).start()
    instance_id = cloud.add_instance(os="linux", users=["user01", "user02"])
    admin = RamClient(_config(*cloud.root_access_key))
    admin.create_user(ram.CreateUserRequest(user_name="commandUser"))
    admin.create_policy(
        ram.CreatePolicyRequest(policy_name="commandUserPolicy", policy_document=POLICY.read_text())
    )
    for kind, name in (("Custom", "commandUserPolicy"), ("System", "AliyunECSReadOnlyAccess")):
        admin.attach_policy_to_user(
            ram.AttachPolicyToUserRequest(
                policy_type=kind, policy_name=name, user_name="commandUser"
            )
        )
    key = admin.create_access_key(ram.CreateAccessKeyRequest(user_name="commandUser")).body
    client = EcsClient(_config(key.access_key.access_key_id, key.access_key.access_key_secret))
    return cloud, client, instance_id


def capture_replies() -> dict[str, bytes]:
    """One round trip against the fake, its two response bodies kept byte for byte.

    The canned baseline answers with exactly these bytes, so both sides make the SDK parse the
    same responses and the difference is only what the fake computes.
    """
    cloud, client, instance_id = fake_setup()
    replies: dict[str, bytes] = {}
    handle = cloud.handle

    def keep(request: HttpRequest) -> HttpResponse:
        response = handle(request)
        replies[request.headers["x-acs-action"]] = response.body
        return response

    cloud.handle = keep  # type: ignore[method-assign]
    round_trip(client, instance_id)
    cloud.stop()
    return replies


def canned_setup(replies: dict[str, bytes]) -> tuple[responses.RequestsMock, EcsClient]:
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)

    def reply(request: PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        action = str(request.headers["x-acs-action"])
        return 200, {"Content-Type": "application/json;charset=utf-8"}, replies[action]

    mock.add_callback(
        "POST", re.compile(r"https://.*\.aliyuncs\.com/.*"), callback=reply, content_type=None
    )
    return mock, EcsClient(_config("LTAIcanned", "canned-secret"))


#: What a round is timed with: the wall clock, or this process's CPU time, which leaves out the
#: time spent waiting for a core on a busy machine (`--clock cpu`).
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]


def timed(calls: int, fn: Callable[[], None]) -> float:
    """Seconds per call of `fn`, after a sweep of the heap: a timed block never pays for the
    garbage the block before it left (a fake account stopped, say); what it leaves itself is
    swept before the next one, off the clock, alike for every side."""
    gc.collect()
    start = clock()
    for _ in range(calls):
        fn()
    return (clock() - start) / calls


def add_clock_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="wall",
        help="time rounds by the wall clock (default) or by this process's CPU time",
    )


def use_clock(name: str) -> None:
    global clock
    clock = CLOCKS[name]


def measure(rounds: int, calls: int) -> tuple[float, float]:
    """Median ms per round trip: (fake, canned), rounds alternating between the two."""
    mock, canned_client = canned_setup(capture_replies())
    fake_times, canned_times = [], []
    for _ in range(rounds):
        cloud, fake_client, instance_id = fake_setup()
        fake_times.append(timed(calls, functools.partial(round_trip, fake_client, instance_id)))
        cloud.stop()
        mock.start()  # start/stop, not `with`: leaving the context would drop the callback
        canned_times.append(timed(calls, functools.partial(round_trip, canned_client, "i-1")))
        mock.stop()
    return statistics.median(fake_times) * 1000, statistics.median(canned_times) * 1000


def _stages() -> dict[str, tuple[object, str]]:
    """The stages `--split` times: label -> (owner, attribute) of the function that is it."""
    import fakes.cloud
    from fakes import access
    from fakes.inprocess import via_requests
    from fakes.services.ecs.service import EcsService

    return {
        "adapter": (via_requests.RequestsInterceptor, "_answer"),
        "handle": (FakeCloud, "handle"),
        "parse": (fakes.cloud, "_parse"),
        "claim": (FakeCloud, "_claim"),
        "verify": (access.Claim, "verify"),
        "act": (FakeCloud, "_act"),
        "act: admit": (access.Authenticator, "admit"),
        "act: global_context": (access, "global_context"),
        "act: ECS service": (EcsService, "handle"),
        "act: ECS: authorize": (access.PolicyAuthorizer, "check"),
        "envelope": (fakes.cloud.envelope, "success"),
    }


def split(rounds: int, calls: int) -> dict[str, float]:
    """Microseconds per round trip spent in each stage (`_stages`), the median over rounds."""
    spent = dict.fromkeys(_stages(), 0.0)
    originals = []
    for label, (owner, name) in _stages().items():
        original = getattr(owner, name)
        originals.append((owner, name, original))

        def timed_stage(
            *args: object,
            __label: str = label,
            __fn: Callable[..., object] = original,
            **kwargs: object,
        ) -> object:
            start = clock()
            try:
                return __fn(*args, **kwargs)
            finally:
                spent[__label] += clock() - start

        setattr(owner, name, timed_stage)
    per_round: dict[str, list[float]] = {label: [] for label in (*_stages(), "glue")}
    try:
        for _ in range(rounds):
            cloud, client, instance_id = fake_setup()
            round_trip(client, instance_id)  # warm
            spent.update(dict.fromkeys(_stages(), 0.0))
            for _ in range(calls):
                round_trip(client, instance_id)
            cloud.stop()
            inside = ("parse", "claim", "verify", "act", "envelope")
            spent["glue"] = spent["handle"] - sum(spent[label] for label in inside)
            for label, seconds in spent.items():
                per_round[label].append(seconds / calls * 1e6)
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
    return {label: statistics.median(values) for label, values in per_round.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=100)
    add_clock_option(parser)
    parser.add_argument(
        "--split", action="store_true", help="time the fake's stages instead (a diagnostic)"
    )
    args = parser.parse_args()
    use_clock(args.clock)
    if args.split:
        for label, micros in split(args.rounds, args.calls).items():
            print(f"{label:24s} {micros:8.1f} us per round trip")
        return

    fake_ms, canned_ms = measure(args.rounds, args.calls)
    print(
        f"rounds: {args.rounds} x {args.calls} RunCommand + DescribeInvocationResults round trips"
    )
    print(f"canned responses: {canned_ms:.3f} ms per round trip (median)")
    print(f"fake cloud:       {fake_ms:.3f} ms per round trip (median)")
    print(f"ratio: {fake_ms / canned_ms:.2f}")


if __name__ == "__main__":
    main()
