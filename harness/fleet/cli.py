"""`python -m harness fleet`: verify every instance of a selection as commandUser, with a
progress bar, a summary table, the verdicts as JSON (`--json`) and the drift since an earlier
run (`--baseline`). It signs with commandUser's credentials (the standard chain, or
`--command-user-profile`): the identity whose limits are under test. It creates nothing but
the invocations of its checks.

Exit codes: 0 every instance verified; 1 some instance exposed or privileged (a way to root);
2 bad input (one line); 3 some instance broken or not checked, none exposed.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from harness.config import credentials
from harness.config.settings import parse
from harness.errors import HarnessError
from harness.files import unwritable
from harness.fleet.check import FleetCheck, Plan
from harness.fleet.selection import Selector, parse_tag
from harness.fleet.terminal import ProgressBar, show
from harness.fleet.verdicts import drift, read_baseline, verdicts_of
from harness.sdk.clients import Endpoint, ecs_client
from harness.sdk.evidence import Evidence
from harness.sdk.gateway import Gateway, Refusal


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _bounded(low: float, high: float, kind: type[int] | type[float]) -> Any:
    def read(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"`{text}` is not a number from {low:g} to {high:g}")
        return value

    return read


def add_parser(commands: Any) -> None:
    fleet = commands.add_parser(
        "fleet",
        help="verify every instance of a fleet as commandUser",
        description="Select instances by tag, resource group or id; leave out those whose Cloud "
        "Assistant agent is not running, silent or too old; run "
        "`whoami; id -Gn; sudo -n -l; sudo -n true` as each approved user (100 instances a "
        "call) and try each refused name on each instance; print one verdict per instance.",
    )
    pick = fleet.add_argument_group("which instances (every one given must hold)")
    pick.add_argument(
        "--instances-tag",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="instances with this tag (repeatable: all of them)",
    )
    pick.add_argument("--resource-group", metavar="ID", help="instances in this resource group")
    pick.add_argument("--instances", default="", metavar="ID,ID", help="these instance ids")
    for flag, env, default, metavar, text in _SETTINGS:
        fleet.add_argument(flag, default=os.environ.get(env, default), metavar=metavar, help=text)
    for limit, kind, value, unit, explained in _LIMITS:
        fleet.add_argument(limit, type=kind, default=value, metavar=unit, help=explained)
    fleet.add_argument("--baseline", type=Path, metavar="FILE.json", help="an earlier --json")
    fleet.add_argument("--json", type=Path, metavar="FILE.json", help="write the verdicts here")


#: (flag, environment twin, default, metavar, help): the settings a pytest run also takes.
_SETTINGS = (
    (
        "--run-as-users",
        "RUNAS_RUN_AS_USERS",
        "user01,user02",
        "USERS",
        "approved users: each must run as itself (default user01,user02)",
    ),
    (
        "--refused-users",
        "RUNAS_REFUSED_USERS",
        "root,system",
        "USERS",
        "names commandUser must never run as (default root,system)",
    ),
    (
        "--region",
        "RUNAS_REGION",
        "cn-hangzhou",
        "REGION",
        "region of the instances (default cn-hangzhou)",
    ),
    (
        "--endpoint",
        "RUNAS_ENDPOINT",
        "",
        "URL",
        "send the calls here instead of Alibaba Cloud (e.g. a fake cloud server)",
    ),
    (
        "--command-user-profile",
        "RUNAS_COMMAND_USER_PROFILE",
        "",
        "NAME",
        "profile holding commandUser's credentials (default: the standard chain)",
    ),
)
#: (flag, type, default, metavar, help): how hard the check pushes, and how fresh an agent is.
_LIMITS = (
    (
        "--max-concurrency",
        _bounded(1, 64, int),
        8,
        "N",
        "API calls in flight at once (default 8); throttling pauses them all",
    ),
    (
        "--deadline",
        _bounded(1, 86400, float),
        1800.0,
        "SECONDS",
        "stop starting checks after this long; the rest are reported unreachable (default 1800)",
    ),
    (
        "--heartbeat-within",
        _bounded(10, 86400, float),
        300.0,
        "SECONDS",
        "leave out instances whose agent has sent no heartbeat for this long (default 300)",
    ),
)


def selector_of(args: argparse.Namespace) -> Selector:
    return Selector(
        tags=tuple(parse_tag(t) for t in args.instances_tag),
        resource_group=args.resource_group or None,
        instance_ids=_names(args.instances),
    )


def run(args: argparse.Namespace) -> int:
    selector = selector_of(args)
    baseline = read_baseline(args.baseline) if args.baseline else None  # before any call
    settings = parse(  # a bad value is a one-line pytest.UsageError, as in a pytest run
        {
            "backend": "live",
            "region": args.region,
            "endpoint": args.endpoint,
            "command_user_profile": args.command_user_profile,
            "run_as_users": args.run_as_users,
            "refused_users": args.refused_users,
        }
    )
    problem = unwritable(args.json) if args.json else None
    if problem:  # before any call: a long run's verdicts are not lost at its end
        raise HarnessError(f"cannot write the verdicts to `{args.json}`: {problem}")
    source = credentials.command_user(settings)
    problem = source.resolve()
    if problem:
        raise HarnessError(f"{problem}: {source.how_to_give}")
    principal = source.as_principal("commandUser")
    endpoint = Endpoint.from_url(settings.endpoint) if settings.endpoint else None
    plan = Plan(
        users=settings.run_as_users,
        refused=settings.refused_users,
        max_concurrency=args.max_concurrency,
        deadline=args.deadline,
        heartbeat_within=args.heartbeat_within,
    )
    console = Console(stderr=True)
    print(f"verifying {selector.describe()} in {settings.region} as commandUser")
    with ProgressBar(console) as bar:
        check = FleetCheck(
            principal.name,
            lambda: ecs_client(principal, settings.region, endpoint),
            Gateway(Evidence()),
            settings.region,
            plan,
            sleep=time.sleep,
            progress=bar,
        )
        try:
            result = check.run(selector)
        except Refusal as refusal:  # only the selection's Describe calls raise
            raise HarnessError(
                f"commandUser cannot select the instances: {refusal.action} refused with "
                f"{refusal.code}: attach AliyunECSReadOnlyAccess (or allow "
                "ecs:DescribeInstances and ecs:DescribeCloudAssistantStatus)"
            ) from None
    if not result.instances:
        raise HarnessError(
            f"no {selector.describe()} in {settings.region}: check the tags, the resource "
            "group or the ids, and that commandUser may call ecs:DescribeInstances"
        )
    if baseline is not None:
        result.drift = drift(baseline, verdicts_of(result.instances))
    show(Console(), result)
    if args.json:
        try:
            result.write(args.json)
        except OSError as e:
            raise HarnessError(f"cannot write `{args.json}` ({e.strerror})") from None
        print(f"verdicts written: {args.json}")
    return result.exit_code
