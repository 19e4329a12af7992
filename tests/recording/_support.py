"""Running pytest in a subprocess (as tests/live does) for the recording tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_pytest(
    *args: str, env: Mapping[str, str], cwd: Path = ROOT, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def output(run: subprocess.CompletedProcess[str]) -> str:
    return run.stdout[-4000:] + run.stderr[-2000:]


def spec_scenarios() -> int:
    """How many scenarios the spec has once outlines expand (Gherkin's pickles)."""
    from gherkin.parser import Parser
    from gherkin.pickles.compiler import Compiler

    total = 0
    for path in sorted((ROOT / "features").rglob("*.feature")):
        document = Parser().parse(path.read_text(encoding="utf-8"))
        document["uri"] = str(path)
        total += len(Compiler().compile(document))
    return total
