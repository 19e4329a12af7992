"""Every scenario in features/ runs as a test: none is lost on the way from Gherkin to pytest.

pytest-bdd names a test after its scenario; two scenarios with the same name in one binding
module would silently leave one of them out. This counts both sides.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler

from tests import _children as children
from tests._support import pytest_command

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ROOT / "features"


def _scenarios_per_folder() -> Counter[str]:
    """Scenarios after outlines expand (Gherkin 'pickles'), by the folder that binds them."""
    counts: Counter[str] = Counter()
    for path in sorted(FEATURES.rglob("*.feature")):
        document = Parser().parse(path.read_text(encoding="utf-8"))
        document["uri"] = str(path)
        counts[path.parent.name] += len(Compiler().compile(document))
    return counts


def _collected_per_folder() -> Counter[str]:
    listed = children.run(
        pytest_command(
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "features",
        ),
        cwd=ROOT,
        timeout=120,
        check=True,
    ).stdout
    return Counter(
        Path(line.split("::")[0]).parent.name for line in listed.splitlines() if "::" in line
    )


def test_every_scenario_is_collected_as_a_test() -> None:
    expected = _scenarios_per_folder()
    assert expected["linux"] >= 12
    assert expected["windows"] >= 8
    assert _collected_per_folder() == expected
