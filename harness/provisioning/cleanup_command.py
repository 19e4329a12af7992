"""`python -m harness cleanup`: remove what a crashed or interrupted live run left behind, from
its ledger files or by name prefix, through the official SDKs with the administrator's
credentials (`RUNAS_ADMIN_ACCESS_KEY_ID` / `_SECRET` or `--admin-profile`; without them,
commandUser's, which can remove only the commands it saved)."""

from __future__ import annotations

import argparse
import os
import shlex
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from harness.config import credentials
from harness.config.settings import Settings, parse
from harness.errors import HarnessError
from harness.provisioning.cleanup import Remover, by_prefix
from harness.provisioning.ledger import LedgerFile, Resource
from harness.sdk.clients import Clients, Endpoint
from harness.sdk.evidence import Evidence
from harness.sdk.gateway import Gateway, Refusal
from harness.sdk.retry import RetryPolicy

DEFAULT_LEDGERS = Path(".pytest_cache") / "d" / "runas-ledger"
#: Regions a prefix search looks in besides --region: the spec's "another region".
SPEC_REGIONS = ("cn-shanghai",)
#: How to give cleanup the credentials it removes with, in the options it has.
HOW_TO_GIVE = (
    f"set {credentials.ADMIN_KEY_ID} and {credentials.ADMIN_KEY_SECRET} to the administrator's "
    "AccessKey, or name its profile with --admin-profile or RUNAS_ADMIN_PROFILE"
)


def command_line(ledger: Path, settings: Settings) -> str:
    """The exact command that removes what a run's ledger file still lists."""
    words = ["python", "-m", "harness", "cleanup", "--ledger", str(ledger)]
    if settings.endpoint:
        words += ["--endpoint", settings.endpoint]
    if settings.admin_profile:
        words += ["--admin-profile", settings.admin_profile]
    return shlex.join(words)


def add_parser(commands: Any) -> None:
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


def run(args: argparse.Namespace) -> int:
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
    if args.prefix and len(args.prefix) < 3:
        raise HarnessError(f"prefix `{args.prefix}` is too short to be the harness's")
    ledgers = [_read(path) for path in files]  # all of them, before credentials are asked for
    clients = _clients(settings)
    gateway = Gateway(Evidence(), RetryPolicy(time.sleep))
    remover = Remover(gateway, lambda owner: clients)
    if args.prefix:
        regions = list(dict.fromkeys([*(args.region or [settings.region]), *SPEC_REGIONS]))
        found = by_prefix(clients, gateway, args.prefix, regions)
        return 1 if _remove_all(((None, r) for r in found), remover, None, args.dry_run) else 0
    failed = 0
    for ledger, outstanding in ledgers:
        print(f"{ledger.path}: {len(outstanding)} left to remove")
        failed += _remove_all(reversed(outstanding), remover, ledger, args.dry_run)
        if not args.dry_run and not ledger.outstanding():
            ledger.path.unlink()
    return 1 if failed else 0


def _read(path: Path) -> tuple[LedgerFile, list[tuple[str, Resource]]]:
    """A ledger file and what it lists as left to remove, oldest first."""
    if not path.is_file():
        raise HarnessError(
            f"no ledger file `{path}`: a run keeps one in `{DEFAULT_LEDGERS}` only while "
            "something it created is left to remove"
        )
    ledger = LedgerFile(path)
    return ledger, ledger.outstanding()


def _clients(settings: Settings) -> Clients:
    """The administrator's clients, or commandUser's (which can remove only its commands)."""
    endpoint = Endpoint.from_url(settings.endpoint) if settings.endpoint else None
    return Clients.of(credentials.reader(settings, HOW_TO_GIVE), settings.region, endpoint)


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
