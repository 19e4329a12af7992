"""`python -m harness prove`: prove, for every run-as name at once, what commandUser's policies
let it run as. Exit 0 when no forbidden name can run, 1 when one can (the witness and the
statement are printed), 2 on bad input (one line), 3 when the solver cannot decide."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from harness.errors import HarnessError
from harness.prove import report
from harness.prove.questions import InstanceFacts, prove
from harness.prove.sources import LoadedPolicy, load, policy_set

EXIT = {"safe": 0, "exposed": 1, "unknown": 3}
BAD_INPUT = 2
PROG = "python -m harness prove"


class _BadInput(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not argparse's usage block
        raise _BadInput(message)


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Prove, over every possible run-as name, which names commandUser's "
        "policies let it run Cloud Assistant commands as (ecs:RunCommand, ecs:InvokeCommand).",
    )
    parser.add_argument(
        "policies",
        nargs="*",
        metavar="POLICY",
        help="a policy file, or a system policy name the fake knows (AliyunECSFullAccess)",
    )
    parser.add_argument(
        "--refused-users",
        type=_names,
        default=[],
        metavar="a,b",
        help="names to refuse besides root and system (each in any letter case)",
    )
    parser.add_argument(
        "--instance-users",
        type=_names,
        default=None,
        metavar="a,b",
        help="the users the instance has, as its on-instance checks found them",
    )
    parser.add_argument(
        "--sudoers",
        type=_names,
        default=None,
        metavar="a,b",
        help="the users that can sudo (ecs-assist-user always can, on Linux)",
    )
    parser.add_argument(
        "--compare",
        nargs="+",
        default=None,
        metavar="POLICY",
        help="a baseline policy set: also prove what POLICY allows that it does not",
    )
    parser.add_argument(
        "--account",
        nargs="?",
        const="commandUser",
        default=None,
        metavar="USER",
        help="read USER's (default commandUser) policies from the account, RAM reads only",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--sarif", type=Path, metavar="FILE", help="write SARIF 2.1.0 here")
    return parser


def _account(user: str) -> list[LoadedPolicy]:
    from harness.config.settings import parse
    from harness.prove.account import read_account

    settings = parse(
        {
            "backend": "live",
            "endpoint": os.environ.get("RUNAS_ENDPOINT", ""),
            "admin_profile": os.environ.get("RUNAS_ADMIN_PROFILE", ""),
            "command_user_profile": os.environ.get("RUNAS_COMMAND_USER_PROFILE", ""),
            "region": os.environ.get("RUNAS_REGION", "cn-hangzhou"),
        }
    )
    return read_account(settings, user)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            args = parser().parse_args(list(sys.argv[1:] if argv is None else argv))
        except SystemExit as done:  # --help: argparse has printed it
            return done.code if isinstance(done.code, int) else 0
        if not args.policies and args.account is None:
            raise _BadInput("give at least one POLICY, or --account")
        loaded = [load(policy) for policy in args.policies]
        if args.account is not None:
            loaded += _account(args.account)
        baseline = [load(policy) for policy in args.compare] if args.compare else None
    except (_BadInput, HarnessError) as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return BAD_INPUT
    facts = None
    if args.instance_users is not None or args.sudoers is not None:
        users = None if args.instance_users is None else frozenset(args.instance_users)
        facts = InstanceFacts(users, frozenset(args.sudoers or ()))
    proof = prove(
        policy_set(loaded),
        refused=args.refused_users,
        facts=facts,
        baseline=policy_set(baseline) if baseline is not None else None,
    )
    if args.json:
        print(report.as_json(proof))
    else:
        print(report.text(proof, [p.source.name for p in loaded]))
    if args.sarif is not None:
        try:
            args.sarif.write_text(report.sarif(proof, loaded) + "\n", encoding="utf-8")
        except OSError as e:
            print(f"{PROG}: cannot write `{args.sarif}`: {e.strerror}", file=sys.stderr)
            return BAD_INPUT
    return EXIT[proof.verdict]
