"""Parse and validate an identity policy document into its compiled, ready-to-evaluate form.

Every problem is found here and raised as one `PolicyError` naming the statement, so a malformed
policy is refused at `CreatePolicy` and never discovered during evaluation (STYLE 5, 6).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fakes.policy.conditions import CompiledCondition, compile_conditions
from fakes.policy.errors import PolicyError, json_kind, quote
from fakes.policy.patterns import (
    ActionPatterns,
    ResourcePatterns,
    compile_actions,
    compile_resources,
)

_DOCUMENT_KEYS = frozenset({"Version", "Statement"})
# `Sid` is accepted and ignored (A24); `Principal` gets its own message below.
_STATEMENT_KEYS = frozenset({"Sid", "Effect", "Action", "NotAction", "Resource", "Condition"})
_EFFECTS = frozenset({"Allow", "Deny"})  # exact case (A21)


@dataclass(frozen=True, slots=True)
class CompiledStatement:
    """One statement with its patterns and conditions compiled; `index` is 1-based."""

    index: int
    effect: str
    actions: ActionPatterns
    not_action: bool  # True when `actions` came from `NotAction`
    resources: ResourcePatterns
    conditions: tuple[CompiledCondition, ...]
    sid: str | None = None

    @property
    def is_deny(self) -> bool:
        """Whether a match of this statement refuses the request."""
        return self.effect == "Deny"

    def covers_action(self, action: str) -> bool:
        """Whether the statement is about `action` (already lower case); NotAction inverts."""
        return self.actions.matches(action) != self.not_action


@dataclass(frozen=True, slots=True)
class CompiledPolicy:
    """A validated identity policy, compiled once and evaluated many times."""

    text: str  # the document as given (JSON text), for GetPolicyVersion and reports
    statements: tuple[CompiledStatement, ...]


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise PolicyError(f"document repeats the key {quote(key)}")
        seen[key] = value
    return seen


def _reject_constant(name: str) -> Any:
    raise PolicyError(f"document is not valid JSON: `{name}` is not a number")


def _plain(value: object) -> object:
    """Let `json.dumps` write mappings that are not dicts (a validated document has no others)."""
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(type(value).__name__)


def parse_document_text(text: str) -> object:
    try:
        return json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as error:
        reason = (
            f"{error.msg[:1].lower()}{error.msg[1:]} at line {error.lineno} column {error.colno}"
        )
        raise PolicyError(f"document is not valid JSON: {reason}") from None
    except PolicyError:
        raise
    except ValueError:  # an integer beyond Python's digit limit, after the JSON itself parsed
        raise PolicyError("document is not valid JSON: a number has too many digits") from None
    except RecursionError:
        raise PolicyError("document is nested too deeply") from None


def _compile_statement(raw: object, index: int) -> CompiledStatement:
    if not isinstance(raw, Mapping):
        raise PolicyError(f"must be an object, got {json_kind(raw)}", index)
    for key in raw:
        if key == "Principal":
            raise PolicyError(
                "`Principal` belongs in resource-based policies, not in an identity policy", index
            )
        if key not in _STATEMENT_KEYS:
            shown = quote(key) if isinstance(key, str) else json_kind(key)
            raise PolicyError(f"unknown key {shown}", index)
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError(f"`Sid` must be a string, got {json_kind(sid)}", index)
    if "Effect" not in raw:
        raise PolicyError("missing `Effect`", index)
    effect = raw["Effect"]
    if not isinstance(effect, str) or effect not in _EFFECTS:
        shown = quote(effect) if isinstance(effect, str) else json_kind(effect)
        raise PolicyError(f"`Effect` must be `Allow` or `Deny`, got {shown}", index)
    if "Action" in raw and "NotAction" in raw:
        raise PolicyError("has both `Action` and `NotAction`; a statement takes one", index)
    if "Action" not in raw and "NotAction" not in raw:
        raise PolicyError("missing `Action` or `NotAction`", index)
    element = "Action" if "Action" in raw else "NotAction"
    actions = compile_actions(raw[element], element, index)
    if "Resource" not in raw:
        raise PolicyError("missing `Resource`, which an identity policy requires", index)
    resources = compile_resources(raw["Resource"], index)
    conditions = compile_conditions(raw["Condition"], index) if "Condition" in raw else ()
    return CompiledStatement(
        index, effect, actions, element == "NotAction", resources, conditions, sid
    )


def _compile_document(document: object) -> tuple[CompiledStatement, ...]:
    if not isinstance(document, Mapping):
        raise PolicyError(f"document must be a JSON object, got {json_kind(document)}")
    for key in document:
        if key not in _DOCUMENT_KEYS:
            shown = quote(key) if isinstance(key, str) else json_kind(key)
            raise PolicyError(f"unknown top-level key {shown}")
    if "Version" not in document:
        raise PolicyError("missing `Version`")
    version = document["Version"]
    if not isinstance(version, str):
        raise PolicyError(f"`Version` must be the string `1`, got {json_kind(version)}")
    if version != "1":
        raise PolicyError(f"`Version` must be `1`, got {quote(version)}")
    if "Statement" not in document:
        raise PolicyError("missing `Statement`")
    statements = document["Statement"]
    if not isinstance(statements, list | tuple):
        raise PolicyError(f"`Statement` must be a list, got {json_kind(statements)}")
    if not statements:
        raise PolicyError("`Statement` must not be empty")
    return tuple(_compile_statement(raw, i) for i, raw in enumerate(statements, start=1))


def compile_policy(document: str | Mapping[str, Any]) -> CompiledPolicy:
    """Parse JSON text (or an already-parsed mapping) and validate it as an identity policy.

    Raises `PolicyError`, and only `PolicyError`, for anything it will not evaluate.
    """
    if isinstance(document, str):
        return CompiledPolicy(document, _compile_document(parse_document_text(document)))
    if not isinstance(document, Mapping):
        kind = type(document).__name__
        raise PolicyError(f"document must be JSON text or a mapping, got `{kind}`")
    statements = _compile_document(document)
    try:
        text = json.dumps(document, allow_nan=False, default=_plain)
    except (TypeError, ValueError):
        raise PolicyError("document holds values that are not JSON") from None
    return CompiledPolicy(text, statements)
