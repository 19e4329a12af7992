"""No import cycles inside a package (DESIGN.md: "no import cycles").

Every import counts, wherever it is written: at module level, inside a function, or under
`if TYPE_CHECKING:`, since each of those is a dependency of one module on another. Importing
`a.b.c` counts as depending on `a.b.c` itself, not on the packages `a` and `a.b` that Python
runs first; a package's `__init__` that re-exports its modules is not a cycle with them.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Mapping
from pathlib import Path

import pytest


def _modules(package: str) -> dict[str, Path]:
    """Every module of `package`, by dotted name, found on disk next to its `__init__`."""
    spec = importlib.util.find_spec(package)
    assert spec is not None, f"no module `{package}`"
    assert spec.submodule_search_locations, f"`{package}` is not a package"
    root = Path(next(iter(spec.submodule_search_locations)))
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported(name: str, path: Path, modules: Mapping[str, Path]) -> set[str]:
    """The modules of the same package that module `name` imports."""
    is_package = path.name == "__init__.py"
    here = name if is_package else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: `from . import x`, `from ..y import z`
                anchor = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in modules else base)
    edges = set()
    for target in targets:
        while target and target not in modules:  # `import a.b.c.Thing` style: nearest module
            target = target.rpartition(".")[0]
        if target and target != name:
            edges.add(target)
    return edges


def import_graph(package: str) -> dict[str, set[str]]:
    """Each module of `package` -> the modules of `package` it imports."""
    modules = _modules(package)
    return {name: _imported(name, path, modules) for name, path in modules.items()}


def import_cycles(package: str) -> list[list[str]]:
    """The import cycles in `package`: each a list of modules that import one another in a
    ring (the strongly connected components of the import graph with more than one module)."""
    graph = import_graph(package)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm; packages are small, recursion is fine
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            ring = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                ring.append(member)
                if member == module:
                    break
            if len(ring) > 1:
                cycles.append(sorted(ring))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


@pytest.mark.parametrize("package", ["fakes", "harness", "steps"])
def test_no_import_cycles(package: str) -> None:
    assert import_cycles(package) == []


def test_a_cycle_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ring = tmp_path / "ring"
    ring.mkdir()
    (ring / "__init__.py").write_text("")
    (ring / "a.py").write_text("from ring import b\n")
    (ring / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import ring.a\n"
    )
    (ring / "c.py").write_text("from . import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("ring") == [["ring.a", "ring.b"]]
