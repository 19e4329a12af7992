"""What the live, record and replay tests share: running pytest in a subprocess against a
stand-in account."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

from harness.backends.standin import StandIn, holdings, isolated_env
from tests import _children as children
from tests._support import ROOT, pytest_command, small_spec

__all__ = [
    "ROOT",
    "clean_env",
    "held",
    "holdings",
    "live_env",
    "output",
    "run_pytest",
    "small_spec",
    "spec_scenarios",
]


def clean_env(home: Path, **chosen: str) -> dict[str, str]:
    """No outside settings or credentials, a HOME with no credentials files."""
    return isolated_env(home, **chosen)


def live_env(stand_in: StandIn, home: Path, **chosen: str) -> dict[str, str]:
    """A live run against the stand-in: its settings and credentials, no real waiting."""
    return stand_in.environment(home, **chosen)


def run_pytest(
    *args: str, env: Mapping[str, str], cwd: Path = ROOT, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return children.run(
        pytest_command(*args),
        cwd=cwd,
        env=dict(env),
        timeout=timeout,
    )


def output(run: subprocess.CompletedProcess[str]) -> str:
    return run.stdout[-4000:] + run.stderr[-2000:]


def spec_scenarios(folder: str = "features") -> int:
    """How many scenarios the spec (or its `folder`) has once outlines expand (Gherkin's
    pickles)."""
    from gherkin.parser import Parser
    from gherkin.pickles.compiler import Compiler

    total = 0
    for path in sorted((ROOT / folder).rglob("*.feature")):
        document = Parser().parse(path.read_text(encoding="utf-8"))
        document["uri"] = str(path)
        total += len(Compiler().compile(document))
    return total


def held(stdout: str) -> int:
    """The scenarios that held by pytest's final line: passed, plus the findings (a finding
    holds as the spec says: it documents a weakness, and is reported apart from passes)."""
    last = stdout.strip().splitlines()[-1]
    return sum(int(n) for n in re.findall(r"(\d+) (?:passed|finding)\b", last))


#: The JUnit elements of a test case that did not pass.
NOT_PASSED = frozenset({"failure", "error", "skipped"})
