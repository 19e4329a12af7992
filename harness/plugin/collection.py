"""What pytest collects of the spec: every `.feature` file, and every tag in one.

- `pytest features/linux/my.feature` runs that file's scenarios directly, marked
  `runas_scenario` like the ones a binding module (`scenarios("linux")` beside
  `pytestmark = pytest.mark.runas_scenario`) collects.
- A binding module wins: a feature file that a binding module collected in the same run names
  (the file, or a folder above it, in `scenarios(...)`; the file in `scenario(...)`) is left to
  that module, so no scenario runs twice. Any other feature file, such as one in a new folder
  under `features/`, is collected on its own, never silently dropped.
- Tags need no registration: every tag in the feature files is a marker, so `--strict-markers`
  keeps guarding the markers Python code uses while a new tag in a feature breaks nothing.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from pytest_bdd import exceptions, scenarios

FEATURE_SUFFIX = ".feature"
#: Tags on a Gherkin line of their own: `@linux @assumption_A1`.
_TAG = re.compile(r"(?<!\S)@(\S+)")
_BINDINGS = pytest.StashKey[list[Path]]()


class FeatureFile(pytest.Module):
    """A `.feature` file as a module of its own: the scenarios that `pytest_bdd.scenarios` finds
    in it, marked as scenarios of the spec."""

    def _getobj(self) -> ModuleType:
        """The module a binding would be, generated for this one file (pytest's documented
        place for a collector to say what its object is)."""
        path = self.path
        module = ModuleType(f"runas_feature_{_python_name(path)}", f"Scenarios of {path.name}.")
        module.__file__ = str(path)
        namespace = vars(module)
        namespace["pytestmark"] = [pytest.mark.runas_scenario]
        namespace.update(_scenarios=scenarios, _path=str(path), _base=str(path.parent))
        code = compile("_scenarios(_path, features_base_dir=_base)\n", str(path), "exec")
        try:
            exec(code, namespace)  # `scenarios` puts its tests into the calling module's namespace
        except exceptions.NoScenariosFound:
            raise self.CollectError(f"feature `{path}` has no scenario") from None
        except exceptions.GherkinParseError as e:
            where = f"feature `{path}` line {e.line}: `{e.line_content.strip()}`"
            said = ": ".join(p[:1].lower() + p[1:] for p in e.message.rstrip(".").split(". "))
            raise self.CollectError(f"{where}: {said}") from None
        return module


class BoundElsewhere(pytest.File):
    """A feature file named on the command line beside a binding module that collects it: its
    scenarios run once, through that module."""

    def collect(self) -> list[pytest.Item]:
        return []


@pytest.hookimpl(trylast=True)  # after the markers the plugin registers with descriptions
def pytest_configure(config: pytest.Config) -> None:
    for folder in _feature_folders(config):
        register_tags(config, folder.rglob(f"*{FEATURE_SUFFIX}"))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    config = parent.config
    if file_path.suffix == ".py" and _uses_pytest_bdd(file_path):
        for named in _named_features(file_path, config):  # before the binding is imported
            register_tags(config, named.rglob(f"*{FEATURE_SUFFIX}") if named.is_dir() else [named])
        return None
    if file_path.suffix != FEATURE_SUFFIX:
        return None
    register_tags(config, [file_path])
    feature = file_path.resolve()
    for binding in _bindings(parent.session):
        if any(n == feature or n in feature.parents for n in _named_features(binding, config)):
            if feature in _arguments(config):  # else pytest would say "not found"
                bound: BoundElsewhere = BoundElsewhere.from_parent(parent, path=file_path)
                return bound
            return None
    collector: FeatureFile = FeatureFile.from_parent(parent, path=file_path)
    return collector


def register_tags(config: pytest.Config, features: Iterable[Path]) -> None:
    """Every tag used in these feature files becomes a marker, unless one is registered."""
    tags: set[str] = set()
    for path in features:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # collecting the file says what is wrong with it
        for line in text.splitlines():
            if line.lstrip().startswith("@"):
                tags.update(_TAG.findall(line.split("#")[0]))
    _register(config, tags)


def _register(config: pytest.Config, tags: set[str]) -> None:
    known = {line.split(":")[0].split("(")[0].strip() for line in config.getini("markers")}
    for tag in sorted(tags - known):
        config.addinivalue_line("markers", f"{tag}: a tag in the feature files")


def _feature_folders(config: pytest.Config) -> list[Path]:
    """Where the project keeps its features: `bdd_features_base_dir`, else `features/`."""
    base = config.getini("bdd_features_base_dir")
    folder = config.rootpath / (base if isinstance(base, str) and base else "features")
    return [folder] if folder.is_dir() else []


def _bindings(session: pytest.Session) -> list[Path]:
    """The binding modules this run collects: Python test files under its arguments that use
    pytest-bdd's `scenarios` or `scenario`."""
    config = session.config
    found = config.stash.get(_BINDINGS, None)
    if found is None:
        found = [path for path in _test_modules(config) if _uses_pytest_bdd(path)]
        config.stash[_BINDINGS] = found
    return found


def _arguments(config: pytest.Config) -> list[Path]:
    """The paths this run was given (or `testpaths`), without `::` selections."""
    base = config.invocation_params.dir
    return [(base / arg.split("::")[0]).resolve() for arg in config.args]


def _test_modules(config: pytest.Config) -> Iterator[Path]:
    patterns = [str(p) for p in config.getini("python_files")]
    skipped = [str(p) for p in config.getini("norecursedirs")]
    for path in _arguments(config):
        if path.is_file() and path.suffix == ".py":
            yield path
        elif path.is_dir():
            for candidate in sorted(path.rglob("*.py")):
                relative = candidate.relative_to(path).parts[:-1]
                if any(fnmatch.fnmatch(part, glob) for part in relative for glob in skipped):
                    continue
                if any(fnmatch.fnmatch(candidate.name, glob) for glob in patterns):
                    yield candidate


def _uses_pytest_bdd(path: Path) -> bool:
    try:
        return "pytest_bdd" in path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _named_features(binding: Path, config: pytest.Config) -> list[Path]:
    """The features (files or folders) a binding module names in `scenarios(...)` or
    `scenario(...)` calls with string arguments, resolved as pytest-bdd resolves them."""
    named: list[Path] = []
    for call, names in _binding_calls(binding):
        base = _base_dir(call, binding, config)
        named.extend((base / name).resolve() for name in names)
    return named


@functools.cache
def _binding_calls(path: Path) -> tuple[tuple[ast.Call, list[str]], ...]:
    return tuple(_calls_in(path))


def _calls_in(path: Path) -> Iterator[tuple[ast.Call, list[str]]]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        strings = [
            a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        if name == "scenarios":
            yield node, strings
        elif name == "scenario" and strings:
            yield node, strings[:1]


def _base_dir(call: ast.Call, binding: Path, config: pytest.Config) -> Path:
    for keyword in call.keywords:
        if keyword.arg == "features_base_dir" and isinstance(keyword.value, ast.Constant):
            return config.invocation_params.dir / str(keyword.value.value)
    base = config.getini("bdd_features_base_dir")
    return config.rootpath / base if isinstance(base, str) and base else binding.parent


def _python_name(path: Path) -> str:
    return re.sub(r"\W", "_", path.stem)
