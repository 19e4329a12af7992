"""`python -m harness cleanup`: remove what a crashed or interrupted live run left behind, from
its ledger files or by name prefix, through the official SDKs with the administrator's
credentials (`RUNAS_ADMIN_ACCESS_KEY_ID` / `_SECRET` or `--admin-profile`; without them,
commandUser's, which can remove only the commands it saved).

`python -m harness record-against-fake`: record the cassettes against a fake cloud server set up
like an account after the guide (harness/standin.py), labelled as recorded against the fake.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from harness import credentials
from harness.api import Gateway, Refusal
from harness.cleanup import Clients, Remover, by_prefix
from harness.clients import Endpoint, Principal, ecs_client, oos_client, ram_client
from harness.errors import HarnessError
from harness.evidence import Evidence
from harness.ledger import LedgerFile, Resource
from harness.retry import RetryPolicy
from harness.settings import HERE, Settings, parse

DEFAULT_LEDGERS = Path(".pytest_cache") / "d" / "runas-ledger"
#: Regions a prefix search looks in besides --region: the spec's "another region".
SPEC_REGIONS = ("cn-shanghai",)
FAKE_LABEL = "the fake cloud server (python -m fakes serve), not a real account"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m harness")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    clean = commands.add_parser(
        "cleanup",
        help="remove what a crashed live run left behind",
        description="Remove what live runs created and did not remove: everything outstanding "
        f"in the ledger files (default: all in {DEFAULT_LEDGERS}), or with --prefix, every "
        "RAM user, AccessKey, custom policy, role, instance role attachment, encrypted "
        "parameter and saved command whose name starts with it.",
    )
    clean.add_argument(
        "--ledger",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="a ledger file a run left (repeatable)",
    )
    clean.add_argument("--prefix", help="e.g. `runas-` (all runs) or `runas-1a2b3c4d-`")
    clean.add_argument(
        "--region",
        action="append",
        default=[],
        help="region to search with --prefix (default: RUNAS_REGION or cn-hangzhou, and "
        "cn-shanghai)",
    )
    clean.add_argument("--endpoint", help="send the calls here instead of Alibaba Cloud")
    clean.add_argument("--admin-profile", help="profile holding the administrator's credentials")
    clean.add_argument("--dry-run", action="store_true", help="list, remove nothing")
    record = commands.add_parser(
        "record-against-fake",
        help="record the spec's cassettes against a fake cloud server",
        description="Start a fake cloud server, set it up like an account after the guide "
        "(instances through its control plane, an administrator and the password parameter "
        "through the SDKs), and run `pytest features --backend record` against it.",
    )
    record.add_argument("--cassettes", type=Path, default=HERE / "features" / "cassettes")
    record.add_argument("pytest_args", nargs="*", help="more pytest arguments, after --")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["prove"]:  # the prover has its own parser (harness/prove/cli.py)
        from harness.prove.cli import main as prove

        return prove(given[1:])
    args = _parser().parse_args(given)
    try:
        if args.command == "cleanup":
            return cleanup(args)
        return record_against_fake(args.cassettes, args.pytest_args)
    except (HarnessError, pytest.UsageError) as e:
        print(f"python -m harness {args.command}: {e}", file=sys.stderr)
        return 2


def cleanup(args: argparse.Namespace) -> int:
    settings = parse(
        {
            "backend": "live",
            "endpoint": args.endpoint or os.environ.get("RUNAS_ENDPOINT", ""),
            "admin_profile": args.admin_profile or os.environ.get("RUNAS_ADMIN_PROFILE", ""),
            "region": os.environ.get("RUNAS_REGION", "cn-hangzhou"),
        }
    )
    files = [] if args.prefix else args.ledger or sorted(DEFAULT_LEDGERS.glob("*.jsonl"))
    if not args.prefix and not files:
        print(f"nothing to clean up: no ledger files in {DEFAULT_LEDGERS}")
        return 0
    clients = _clients(settings)
    gateway = Gateway(Evidence(), RetryPolicy(time.sleep))
    remover = Remover(gateway, lambda owner: clients)
    if args.prefix:
        if len(args.prefix) < 3:
            raise HarnessError(f"prefix `{args.prefix}` is too short to be the harness's")
        regions = list(dict.fromkeys([*(args.region or [settings.region]), *SPEC_REGIONS]))
        found = by_prefix(clients, gateway, args.prefix, regions)
        return 1 if _remove_all(((None, r) for r in found), remover, None, args.dry_run) else 0
    failed = 0
    for path in files:
        if not path.is_file():
            raise HarnessError(f"no ledger file `{path}`")
        ledger = LedgerFile(path)
        outstanding = list(reversed(ledger.outstanding()))
        print(f"{path}: {len(outstanding)} left to remove")
        failed += _remove_all(iter(outstanding), remover, ledger, args.dry_run)
        if not args.dry_run and not ledger.outstanding():
            path.unlink()
    return 1 if failed else 0


def _clients(settings: Settings) -> Clients:
    source = credentials.administrator(settings) or credentials.command_user(settings)
    problem = source.resolve()
    if problem:
        raise HarnessError(f"{problem}: {source.how_to_give}")
    principal: Principal = source.as_principal(source.principal)
    endpoint = Endpoint.from_url(settings.endpoint) if settings.endpoint else None
    return Clients(
        principal.name,
        ram_client(principal, settings.region, endpoint),
        ecs=lambda region: ecs_client(principal, region, endpoint),
        oos=lambda region: oos_client(principal, region, endpoint),
    )


def _remove_all(
    found: Iterable[tuple[str | None, Resource]],
    remover: Remover,
    ledger: LedgerFile | None,
    dry_run: bool,
) -> int:
    """Remove each resource in turn; one line each; the number that could not be removed."""
    failed = 0
    for entry, resource in found:
        if dry_run:
            print(f"would remove {resource.describe()}")
            continue
        try:
            remover(resource)
        except (Refusal, HarnessError) as e:
            failed += 1
            print(f"could not remove {resource.describe()}: {e}")
            continue
        print(f"removed {resource.describe()}")
        if ledger is not None and entry is not None:
            ledger.write({"event": "removed", "entry": entry})
    return failed


def record_against_fake(cassettes: Path, pytest_args: Sequence[str]) -> int:
    from fakes import serve
    from harness.standin import prepare

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    with serve() as server:
        stand_in = prepare(server.url)
        env = stand_in.environment(
            RUNAS_CASSETTES=str(cassettes.resolve()), RUNAS_RECORDED_AGAINST=FAKE_LABEL
        )
        command = [sys.executable, "-m", "pytest", "features", "--backend", "record", "-q"]
        return subprocess.run([*command, *pytest_args], cwd=HERE, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
