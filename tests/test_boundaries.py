"""The house's walls (DESIGN.md): `fakes/` never imports `harness/` or `steps/`; steps never talk
HTTP nor reach into the fake; services never see HTTP; the policy engine never sees services.
Every import counts, wherever it is written (module level, inside a function, TYPE_CHECKING)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Modules that speak HTTP; only adapters and the harness's SDK layer may import them.
HTTP = ("requests", "urllib", "http", "werkzeug", "responses", "aiohttp", "fakes.wire.http")


def _imports(folder: str) -> list[tuple[str, str]]:
    """(file, imported module) for every import under `folder`, relative ones resolved."""
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(ROOT)), alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*parts, base] if base else parts)
                found.append((str(path.relative_to(ROOT)), base))
    return found


def _crossing(folder: str, forbidden: tuple[str, ...]) -> list[tuple[str, str]]:
    return [
        (file, module)
        for file, module in _imports(folder)
        if any(module == f or module.startswith(f + ".") for f in forbidden)
    ]


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("fakes", ("harness", "steps")),
        ("steps", ("fakes", *HTTP)),
        ("fakes/services", HTTP),
        ("fakes/policy", ("fakes.services", "fakes.cloud", "fakes.access", *HTTP)),
    ],
)
def test_a_layer_imports_nothing_beyond_its_walls(folder: str, forbidden: tuple[str, ...]) -> None:
    assert _crossing(folder, forbidden) == []


def test_a_crossing_is_seen() -> None:
    """The check itself has teeth: an import that crosses a wall is found."""
    assert ("steps/commands.py", "harness.sdk.gateway") in _imports("steps")
    assert _crossing("steps", ("harness.sdk",)) != []
