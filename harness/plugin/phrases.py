"""Every step phrase a scenario can say, read from the step definitions themselves (the
`@given`/`@when`/`@then` decorators in `steps/`, each with its function's docstring):

- `python -m harness phrases` lists them; `--markdown` prints README's section, and
  `--readme README.md` rewrites that section in place (a test fails when it is stale);
- when a scenario says a phrase no step defines, pytest-bdd's error names the nearest ones.

The phrases are read from the source (`ast`), not from pytest-bdd's internals, so the list needs
no pytest session and shows exactly what the code says.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import functools
import importlib.util
import re
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import exceptions, parsers

from harness.errors import HarnessError

START = "<!-- phrases:start -->"
END = "<!-- phrases:end -->"
STEP_PACKAGE = "steps"
KEYWORDS = {"given": "Given", "when": "When", "then": "Then", "step": "Given/When/Then"}
_NEAREST = pytest.StashKey[str]()
_PLACEHOLDER = re.compile(r"\{(\w*)(?::[^}]*)?\}")
_QUOTED = re.compile(r'"[^"]*"')


@dataclass(frozen=True)
class Phrase:
    """One phrase a step definition matches, as a person would write it in a feature."""

    keyword: str  # "Given", "When", "Then"
    text: str  # `{principal} runs "{script}" on the {os} instance as "{user}"`
    description: str  # the step function's docstring
    kind: str  # how the step parses it: "string", "parse", "cfparse" or "re"
    pattern: str  # what the step definition says, verbatim
    where: str  # `steps/commands.py:run_as`

    def __str__(self) -> str:
        return f"{self.keyword} {self.text}"

    def matches(self, text: str) -> bool:
        """Whether a step saying `text` would use this definition (whatever its keyword)."""
        if self.kind == "string":
            return text == self.pattern
        if self.kind == "re":
            return parsers.re(self.pattern).is_matching(text)
        if self.kind == "cfparse":
            return parsers.cfparse(self.pattern).is_matching(text)
        return parsers.parse(self.pattern).is_matching(text)


@dataclass(frozen=True)
class StepModule:
    """A module of step definitions: what its docstring says it is about, and its phrases."""

    path: str  # `steps/commands.py`
    about: str
    phrases: tuple[Phrase, ...]


def step_modules(package: str = STEP_PACKAGE) -> list[StepModule]:
    """The step modules of a package (default `steps`), in name order."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise HarnessError(f"no step package `{package}` to read phrases from")
    found = []
    for folder in spec.submodule_search_locations:
        for path in sorted(Path(folder).glob("*.py")):
            module = read_module(path, f"{package}/{path.name}")
            if module.phrases:
                found.append(module)
    return found


@functools.cache
def read_module(path: Path, shown_as: str) -> StepModule:
    """The phrases a Python file defines with pytest-bdd's step decorators."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return StepModule(shown_as, "", ())
    about = _first_paragraph(ast.get_docstring(tree))
    found = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        description = _first_paragraph(ast.get_docstring(node))
        for decorator in node.decorator_list:
            phrase = _phrase(decorator, description, f"{shown_as}:{node.name}")
            if phrase is not None:
                found.append(phrase)
    return StepModule(shown_as, about, tuple(found))


def _phrase(decorator: ast.expr, description: str, where: str) -> Phrase | None:
    """`@when(parsers.parse("..."))` -> the phrase; anything else -> None."""
    if not isinstance(decorator, ast.Call) or not decorator.args:
        return None
    keyword = KEYWORDS.get(_called(decorator))
    if keyword is None:
        return None
    argument = decorator.args[0]
    kind = "string"
    if isinstance(argument, ast.Call) and argument.args:
        kind, argument = _called(argument), argument.args[0]
    if not isinstance(argument, ast.Constant) or not isinstance(argument.value, str):
        return None
    pattern = argument.value
    render = _RENDERERS.get(kind)
    if render is None:
        return None
    return Phrase(keyword, render(pattern), description, kind, pattern, where)


def _called(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _first_paragraph(docstring: str | None) -> str:
    return " ".join((docstring or "").split("\n\n")[0].split())


def _render_format(pattern: str) -> str:
    """`{count:d} users` -> `{count} users`."""
    return _PLACEHOLDER.sub(lambda m: "{" + m.group(1) + "}", pattern)


def render_regex(pattern: str) -> str:
    """A step regex as a person reads it: a named group is `{name}` (or its text, when it can
    only be one word, or `[a | b]` when it is one of a few), `users?` is `user(s)`,
    `polic(?:y|ies)` is `policy/policies`, `(?:a|b)` is `[a | b]`, and an optional
    `(?:, more)?` is `[, more]`."""
    out = ""
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out, i = out + pattern[i + 1], i + 2
        elif pattern.startswith("(?P<", i):
            name_end = pattern.index(">", i)
            end = _closing(pattern, i)
            inner = pattern[name_end + 1 : end]
            name = pattern[i + 4 : name_end]
            if re.fullmatch(r"[\w ]+", inner):
                out += inner
            elif re.fullmatch(r"[\w ]+(\|[\w ]+)+", inner):  # one of a few words: name them
                out += "[" + " | ".join(inner.split("|")) + "]"
            else:
                out += "{" + name + "}"
            i = end + 1
        elif pattern.startswith("(?:", i):
            end = _closing(pattern, i)
            choices = [render_regex(c) for c in _alternatives(pattern[i + 3 : end])]
            stem = re.search(r"\w+$", out)
            if stem and all(re.fullmatch(r"\w*", c) for c in choices):
                out = out[: stem.start()] + "/".join(stem.group() + c for c in choices)
            else:
                out += "[" + " | ".join(choices) + "]"
            i = end + 1
            if pattern.startswith("?", i) and out.endswith("]"):
                i += 1  # an optional group: its brackets already say it may be left out
        elif char == "[":
            i = pattern.index("]", i + 2) + 1  # a character class: part of a placeholder
        elif char == "?" and out:
            out, i = out[:-1] + f"({out[-1]})", i + 1
        elif char in "^$+*":
            i += 1
        else:
            out, i = out + char, i + 1
    return out


def _closing(pattern: str, start: int) -> int:
    """The index of the parenthesis closing the group opened at `start`."""
    depth = 0
    i = start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = pattern.index("]", i + 2)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced group in `{pattern}`")


_RENDERERS: dict[str, Callable[[str], str]] = {
    "string": str,
    "parse": _render_format,
    "cfparse": _render_format,
    "re": render_regex,
}


def _alternatives(body: str) -> list[str]:
    """`a|b(c|d)` -> [`a`, `b(c|d)`]: split on the top-level bars only."""
    parts, depth, current, i = [], 0, "", 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            current, i = current + body[i : i + 2], i + 2
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
        i += 1
    return [*parts, current]


def nearest(keyword: str, text: str, known: Iterable[Phrase], n: int = 3) -> str:
    """What to tell someone whose step says `text`: the phrase it matches under another
    keyword, else the closest phrases (difflib over the phrases with their values blanked)."""
    phrases = list(known)
    other = [p for p in phrases if p.keyword != keyword and p.matches(text)]
    if other:
        return f"this phrase is a {other[0].keyword} step, not a {keyword} step: `{other[0]}`"
    said = _QUOTED.sub('""', text).lower()
    scored = sorted(
        (
            difflib.SequenceMatcher(None, said, _PLACEHOLDER.sub("", p.text).lower()).ratio()
            + (0.05 if p.keyword == keyword else 0.0),
            i,
        )
        for i, p in enumerate(phrases)
    )
    close = [phrases[i] for score, i in reversed(scored) if score >= 0.5][:n]
    if not close:
        return "no known phrase is close: `python -m harness phrases` lists them all"
    shown = "; ".join(f"`{p}`" for p in close)
    return f"nearest known phrases: {shown} (all of them: `python -m harness phrases`)"


# --- the report: pytest-bdd's error, and the nearest phrases ---------------------------------


def pytest_bdd_step_func_lookup_error(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    keyword = KEYWORDS.get(str(step.type), str(step.type).capitalize())
    request.node.stash[_NEAREST] = nearest(keyword, str(step.name), registered(request.config))


def registered(config: pytest.Config) -> list[Phrase]:
    """The phrases of every step module this pytest run loaded (plugins and conftests)."""
    found: list[Phrase] = []
    for plugin in config.pluginmanager.get_plugins():
        path = Path(str(getattr(plugin, "__file__", "") or ""))
        if path.suffix == ".py" and "pytest_bdd" not in path.parts and _imports_pytest_bdd(path):
            found.extend(read_module(path, path.name).phrases)
    return list(dict.fromkeys(found))


def _imports_pytest_bdd(path: Path) -> bool:
    try:
        return "pytest_bdd" in path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    hint = item.stash.get(_NEAREST, None)
    if (
        hint is not None
        and call.excinfo is not None
        and call.excinfo.errisinstance(exceptions.StepDefinitionNotFoundError)
    ):
        report.longrepr = f"{call.excinfo.typename}: {call.excinfo.value}: {hint}"
    return report


# --- python -m harness phrases ---------------------------------------------------------------


def listing(modules: Iterable[StepModule]) -> str:
    """The phrases for a terminal: by step module, each with what it does."""
    lines = []
    for module in modules:
        lines.append(f"{module.path}: {module.about}")
        for phrase in module.phrases:
            lines.append(f"  {phrase}")
            lines.append(f"      {phrase.description or 'no description'}")
    return "\n".join(lines)


def markdown(modules: Iterable[StepModule]) -> str:
    """README's section, markers included."""
    lines = [
        START,
        "## Step phrases",
        "",
        "Every phrase a scenario can use, generated from the step definitions in `steps/` by",
        "`python -m harness phrases --readme README.md` (a test fails when this list is stale).",
        "A `{name}` is a value of your choosing; keep the quotes where the phrase has them.",
        "",
        "A feature file anywhere under `features/` is collected (a new folder too), and",
        "`pytest features/linux/my.feature` runs one file on its own. Its tags need no",
        "registration. Policies are attached by name: your own folder (`--policies DIR`) is",
        "laid over `features/policies/`, a document there replacing the spec's of the same name.",
    ]
    for module in modules:
        lines += ["", f"`{module.path}`: {module.about}", ""]
        lines += [f"- `{p}`: {p.description or 'no description'}" for p in module.phrases]
    return "\n".join([*lines, END])


def section_of(readme: str) -> str | None:
    """The generated section of a README's text, markers included; None when it has none."""
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        return None
    return readme[start : end + len(END)]


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "phrases",
        help="list every step phrase a scenario can use",
        description="List every step phrase, read from the step definitions in steps/.",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--markdown", action="store_true", help="print README's generated section instead"
    )
    output.add_argument(
        "--readme",
        metavar="FILE",
        type=Path,
        help=f"rewrite FILE's generated section, between {START} and {END}",
    )


def run(args: argparse.Namespace) -> int:
    modules = step_modules()
    if args.readme is None:
        print(markdown(modules) if args.markdown else listing(modules))
        return 0
    path: Path = args.readme
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise HarnessError(f"cannot read `{path}`: {e.strerror}") from None
    old = section_of(text)
    if old is None:
        raise HarnessError(f"`{path}` has no `{START}` ... `{END}` section to rewrite")
    path.write_text(text.replace(old, markdown(modules)), encoding="utf-8")
    return 0
