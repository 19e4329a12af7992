"""Where the policies to prove come from: files, the system policies the fake knows, an account.

The fake's system policies are imported here and only here, so the module's path is one line to
change. A malformed document is refused with the same reason CreatePolicy's
`MalformedPolicyDocument` gives (the policy engine's `PolicyError`), prefixed by where it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fakes.policy import CompiledPolicy, PolicyError, PolicySource, compile_policy
from fakes.services.system_policies import SYSTEM_POLICIES
from harness.errors import HarnessError
from harness.prove.encode import Policies


@dataclass(frozen=True)
class LoadedPolicy:
    """A policy to prove over: its name in reports, its compiled form, where its text came from."""

    source: PolicySource
    compiled: CompiledPolicy
    path: Path | None = None  # a file; None for a system policy or one read from an account

    def statement_line(self, index: int) -> int | None:
        """The 1-based line in `path` where statement `index` starts, for SARIF."""
        if self.path is None:
            return None
        return statement_lines(self.compiled.text).get(index)


def policy_set(loaded: Sequence[LoadedPolicy]) -> Policies:
    return [(policy.source, policy.compiled) for policy in loaded]


def system_policy_names() -> list[str]:
    return sorted(SYSTEM_POLICIES)


def compile_named(text: str, where: str) -> CompiledPolicy:
    try:
        return compile_policy(text)
    except PolicyError as e:
        raise HarnessError(f"policy {where}: {e}") from None


def load(argument: str) -> LoadedPolicy:
    """A policy file (`x.json`), or a system policy name the fake knows (`AliyunECSFullAccess`)."""
    path = Path(argument)
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise HarnessError(f"cannot read the policy file `{argument}`: {e}") from None
        compiled = compile_named(text, f"`{argument}`")
        name = path.name.removesuffix(".json").split(".")[0] or path.name
        return LoadedPolicy(PolicySource(name, "Custom"), compiled, path)
    system = SYSTEM_POLICIES.get(argument)
    if system is not None:
        compiled = compile_named(system.document, f"`{argument}`")
        return LoadedPolicy(PolicySource(argument, "System"), compiled)
    known = ", ".join(system_policy_names())
    raise HarnessError(
        f"no policy file or system policy `{argument}`: give a JSON file or one of {known}"
    )


def statement_lines(text: str) -> dict[int, int]:
    """Where each element of the top-level `Statement` list starts, by 1-based index.

    A small scanner over valid JSON text (the document has already compiled): it tracks strings
    and nesting, finds the key `Statement` in the top-level object, and notes each element."""
    lines: dict[int, int] = {}
    depth, line, index = 0, 1, 0
    in_string = escaped = False
    token = ""
    last_key = ""
    statement_depth: int | None = None
    expecting = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
                last_key = token
            else:
                token += char
            if char == "\n":
                line += 1
            continue
        if char == "\n":
            line += 1
            continue
        if char.isspace():
            continue
        if expecting and char != "]":
            index += 1
            lines[index] = line
            expecting = False
        if char == '"':
            in_string, token = True, ""
        elif char in "{[":
            depth += 1
            if char == "[" and depth == 2 and last_key == "Statement" and statement_depth is None:
                statement_depth = depth
                expecting = True
        elif char in "}]":
            if depth == statement_depth:
                statement_depth = -1  # done: a later `Statement` key is not the top-level one
            depth -= 1
        elif char == "," and depth == statement_depth:
            expecting = True
    return lines
