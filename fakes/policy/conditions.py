"""A statement's `Condition` block: validated and compiled once, then tested per request.

Semantics (reference section 3.3 and the named assumptions): listed values OR together, keys
under one operator and operators in one block AND together; a key the request does not carry
makes positive operators false and negated ones true (A2); key names match case-insensitively
(A20); a request value that does not parse as the operator's type fails the condition (A22).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from fakes.policy.errors import PolicyError, json_kind, quote, quoted_list
from fakes.policy.operators import (
    NO_MATCH,
    OPERATORS,
    UNPARSEABLE,
    BadValue,
    Operator,
    Scalar,
    ValueMatcher,
    as_text,
)

Context = Mapping[str, tuple[str, ...]]

_LARGEST = 10**4000  # beyond this, Python refuses to turn an int into a string
_CONDITION_KEY = re.compile(r"[A-Za-z0-9_.-]+:.+", re.DOTALL)


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    """One operator applied to one key, with the listed values already parsed."""

    operator: str  # as written, e.g. "StringEquals"
    key: str  # as written, e.g. "ecs:CommandRunAs"
    expected: tuple[str, ...]  # the listed values in string form, in the document's order
    spec: Operator = field(repr=False, compare=False)
    matcher: ValueMatcher = field(repr=False, compare=False)
    folded_key: str = field(repr=False, compare=False)

    def request_values(self, context: Context) -> tuple[str, ...] | None:
        """The values the request carries for this key, or None when it carries none (A20)."""
        values = context.get(self.key)
        if values is None:
            for name, carried in context.items():
                if name.lower() == self.folded_key:
                    values = carried
                    break
            else:
                return None
        if isinstance(values, str):  # tolerate a bare string where a tuple was meant
            return (values,)
        return tuple(values) or None

    def holds(self, context: Context) -> bool:
        """Whether the request satisfies this condition; the hot path, so no strings are built."""
        values = self.request_values(context)
        if values is None:
            return self.spec.negated  # A2
        first_match = self.matcher.first_match
        if self.spec.negated:
            # Holds only when every value parses and none equals a listed value (A22, A25).
            return all(first_match(value) == NO_MATCH for value in values)
        matched = False
        for value in values:
            found = first_match(value)
            if found == UNPARSEABLE:
                return False
            matched = matched or found >= 0
        return matched

    def failure_reason(self, values: tuple[str, ...] | None) -> str:
        """One line saying why the condition does not hold for these request values."""
        key = quote(self.key)
        if values is None:
            return f"the request carries no {key}"
        for value in values:
            if self.matcher.first_match(value) == UNPARSEABLE:
                return f"{key} is {quote(value)}, which is not {self.spec.request_type}"
        case_note = " (ignoring case)" if self.spec.ignores_case else ""
        if self.spec.negated:
            for value in values:
                found = self.matcher.first_match(value)
                if found >= 0:
                    excluded = quote(self.expected[found])
                    return f"{key} is {quote(value)}, excluded by {excluded}{case_note}"
        carried = f"is {quote(values[0])}" if len(values) == 1 else f"carries {quoted_list(values)}"
        if len(self.expected) == 1:
            listed = quote(self.expected[0])
        else:
            listed = ("any of " if self.spec.relation else "one of ") + quoted_list(self.expected)
        relation = f"{self.spec.relation} " if self.spec.relation else ""
        return f"{key} {carried}, not {relation}{listed}{case_note}"


def _listed_values(operator: str, key: str, raw: object, statement: int) -> tuple[Scalar, ...]:
    where = f"`{operator}` {quote(key)}"
    items = raw if isinstance(raw, list | tuple) else (raw,)
    if not items:
        raise PolicyError(f"{where}: no values listed", statement)
    for item in items:
        if isinstance(item, float) and not math.isfinite(item):
            raise PolicyError(f"{where}: `{item}` is not a finite number", statement)
        if isinstance(item, int) and not isinstance(item, bool) and abs(item) > _LARGEST:
            raise PolicyError(f"{where}: a number has too many digits", statement)
        if not isinstance(item, str | int | float | bool):
            kind = json_kind(item)
            raise PolicyError(
                f"{where}: values must be strings, numbers or booleans, got {kind}", statement
            )
    return tuple(items)


def _compile_one(operator: str, key: object, raw: object, statement: int) -> CompiledCondition:
    if not isinstance(key, str):
        raise PolicyError(
            f"`{operator}`: condition keys must be strings, got {json_kind(key)}", statement
        )
    if _CONDITION_KEY.fullmatch(key) is None:
        raise PolicyError(
            f"`{operator}`: condition key {quote(key)} is not `<service>:<name>`", statement
        )
    spec = OPERATORS[operator]
    values = _listed_values(operator, key, raw, statement)
    try:
        matcher = spec.build(values)
    except BadValue as bad:
        shown = as_text(bad.value)
        raise PolicyError(
            f"`{operator}` {quote(key)}: {quote(shown)} is not {bad.wanted}", statement
        ) from None
    expected = tuple(as_text(value) for value in values)
    return CompiledCondition(operator, key, expected, spec, matcher, key.lower())


def compile_conditions(raw: object, statement: int) -> tuple[CompiledCondition, ...]:
    """Validate a `Condition` block; unknown operators are refused, never ignored (fail closed)."""
    if not isinstance(raw, Mapping):
        raise PolicyError(f"`Condition` must be an object, got {json_kind(raw)}", statement)
    compiled: list[CompiledCondition] = []
    for operator, body in raw.items():
        if not isinstance(operator, str) or operator not in OPERATORS:
            shown = quote(operator) if isinstance(operator, str) else json_kind(operator)
            raise PolicyError(f"unknown condition operator {shown}", statement)
        if not isinstance(body, Mapping):
            raise PolicyError(
                f"`{operator}` must map condition keys to values, got {json_kind(body)}", statement
            )
        if not body:
            raise PolicyError(f"`{operator}` names no condition key", statement)
        compiled.extend(
            _compile_one(operator, key, value, statement) for key, value in body.items()
        )
    return tuple(compiled)
