"""`python -m harness record-against-fake`: record the cassettes against a fake cloud server set
up like an account after the guide (harness/backends/standin.py), labelled as recorded against
the fake. Tooling for this project's own recordings."""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness.backends.standin import CHECKOUT

FAKE_LABEL = "the fake cloud server (python -m fakes serve), not a real account"


def add_parser(commands: Any) -> None:
    record = commands.add_parser(
        "record-against-fake",
        help="record the spec's cassettes against a fake cloud server",
        description="Start a fake cloud server, set it up like an account after the guide "
        "(instances through its control plane, an administrator and the password parameter "
        "through the SDKs), and run `pytest features --backend record` against it.",
    )
    record.add_argument("--cassettes", type=Path, default=CHECKOUT / "features" / "cassettes")
    record.add_argument("pytest_args", nargs="*", help="more pytest arguments, after --")


def run(args: argparse.Namespace) -> int:
    from fakes import serve
    from harness.backends.standin import prepare

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    with serve() as server:
        stand_in = prepare(server.url)
        env = stand_in.environment(
            RUNAS_CASSETTES=str(Path(args.cassettes).resolve()), RUNAS_RECORDED_AGAINST=FAKE_LABEL
        )
        command = [sys.executable, "-m", "pytest", "features", "--backend", "record", "-q"]
        done = subprocess.run([*command, *args.pytest_args], cwd=CHECKOUT, env=env, check=False)
        return done.returncode
