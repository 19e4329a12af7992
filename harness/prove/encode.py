"""A compiled policy set and one request, as a z3 formula that holds exactly when it is allowed.

The same rules as `fakes.policy.evaluate`, statement by statement: a statement applies when it
covers the action (decided here in Python, since a question names its action), matches the
resource (per ARN segment, A26) and all its conditions hold; any applying Deny refuses, else any
applying Allow allows, else the refusal is implicit. Conditions follow `conditions.holds`: listed
values OR together, a key the request does not carry is false for positive operators and true
for negated ones (A2), a value that does not parse fails both (A22), several request values
are any/none (A25).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import z3

from fakes.policy import CompiledPolicy, CompiledStatement, PolicySource
from fakes.policy.conditions import CompiledCondition
from fakes.policy.operators import parse_bool, parse_date, parse_network, parse_number
from fakes.policy.patterns import split_arn
from harness.prove import strings
from harness.prove.values import Slot, micros, real

Policies = Sequence[tuple[PolicySource, CompiledPolicy]]
Compare = Callable[[z3.ArithRef, z3.ArithRef], z3.BoolRef]

#: How each documented operator compares a request value with a listed one. A test pins this
#: table to the fake's `OPERATORS`, both its names and its answers.
COMPARISONS: Mapping[str, tuple[str, Compare]] = {
    "StringEquals": ("exact", operator.eq),
    "StringNotEquals": ("exact", operator.eq),
    "StringEqualsIgnoreCase": ("folded", operator.eq),
    "StringNotEqualsIgnoreCase": ("folded", operator.eq),
    "StringLike": ("like", operator.eq),
    "StringNotLike": ("like", operator.eq),
    "NumericEquals": ("number", operator.eq),
    "NumericNotEquals": ("number", operator.eq),
    "NumericLessThan": ("number", operator.lt),
    "NumericLessThanEquals": ("number", operator.le),
    "NumericGreaterThan": ("number", operator.gt),
    "NumericGreaterThanEquals": ("number", operator.ge),
    "DateEquals": ("date", operator.eq),
    "DateNotEquals": ("date", operator.eq),
    "DateLessThan": ("date", operator.lt),
    "DateLessThanEquals": ("date", operator.le),
    "DateGreaterThan": ("date", operator.gt),
    "DateGreaterThanEquals": ("date", operator.ge),
    "Bool": ("bool", operator.eq),
    "IpAddress": ("ip", operator.eq),
    "NotIpAddress": ("ip", operator.eq),
}


class UnsupportedPolicy(ValueError):
    """Something in a policy the prover has no exact model for; the answer must be UNKNOWN."""


@dataclass(frozen=True)
class Carried:
    """What a request carries for one key: whether it carries it, and its values."""

    present: z3.BoolRef
    slots: tuple[Slot, ...]


ABSENT = Carried(z3.BoolVal(False), ())


class RequestContext:
    """The request's condition keys: fixed values (a concrete request) or solver-chosen ones."""

    def __init__(
        self,
        fixed: Mapping[str, tuple[str, ...]] | None = None,
        symbolic: Mapping[str, Carried] | None = None,
    ) -> None:
        self._fixed = dict(fixed or {})
        self._symbolic = {key.lower(): carried for key, carried in (symbolic or {}).items()}
        self._fixed_slots: dict[tuple[str, ...], tuple[Slot, ...]] = {}

    def carried(self, condition: CompiledCondition) -> Carried:
        symbolic = self._symbolic.get(condition.folded_key)
        if symbolic is not None:
            return symbolic
        values = condition.request_values(self._fixed)  # the fake's own key lookup (A20)
        if values is None:
            return ABSENT
        if values not in self._fixed_slots:
            self._fixed_slots[values] = tuple(Slot("fixed", value) for value in values)
        return Carried(z3.BoolVal(True), self._fixed_slots[values])

    def slots(self) -> list[Slot]:
        found = [slot for carried in self._symbolic.values() for slot in carried.slots]
        return found + [slot for slots in self._fixed_slots.values() for slot in slots]


@dataclass(frozen=True)
class Resource:
    """A resource ARN as terms: the whole ARN, and its four matchable segments when it has them."""

    arn: strings.StringRef
    segments: tuple[strings.StringRef, ...] | None
    constraints: tuple[z3.BoolRef, ...] = field(default=())

    @classmethod
    def fixed(cls, arn: str) -> Resource:
        parts = split_arn(arn)
        segments = None if parts is None else tuple(strings.literal(part) for part in parts)
        return cls(strings.literal(arn), segments)


def _match(slot: Slot, condition: CompiledCondition) -> tuple[z3.BoolRef, z3.BoolRef]:
    """(the value parses, it matches one listed value) for one request value."""
    kind, compare = COMPARISONS[condition.operator]
    listed = condition.expected
    if kind == "exact":
        return z3.BoolVal(True), z3.Or([slot.text == strings.literal(v) for v in listed])
    if kind == "folded":
        folded = strings.union([strings.preimage(v.casefold()) for v in dict.fromkeys(listed)])
        return z3.BoolVal(True), z3.InRe(slot.text, folded)
    if kind == "like":
        return z3.BoolVal(True), z3.Or([z3.InRe(slot.text, strings.glob(v)) for v in listed])
    if kind == "number":
        ok, value = slot.number()
        numbers = [parse_number(v) for v in listed]
        return ok, z3.Or([compare(value, real(n)) for n in numbers if n is not None])
    if kind == "date":
        ok, value = slot.date()
        dates = [parse_date(v) for v in listed]
        return ok, z3.Or([compare(value, z3.IntVal(micros(d))) for d in dates if d is not None])
    if kind == "bool":
        ok, flag = slot.boolean()
        return ok, z3.Or([flag == z3.BoolVal(bool(parse_bool(v))) for v in listed])
    v4, n4, v6, n6 = slot.address()
    inside = []
    for text in listed:
        network = parse_network(text)
        if network is None:
            continue
        flag, number = (v4, n4) if network.version == 4 else (v6, n6)
        low, high = int(network.network_address), int(network.broadcast_address)
        inside.append(z3.And(flag, number >= low, number <= high))
    return z3.Or(v4, v6), z3.Or(inside)


def condition_holds(condition: CompiledCondition, request: RequestContext) -> z3.BoolRef:
    if condition.operator not in COMPARISONS:
        raise UnsupportedPolicy(f"no model for the operator `{condition.operator}`")
    carried = request.carried(condition)
    negated = condition.spec.negated
    matches = [_match(slot, condition) for slot in carried.slots]
    if negated:
        when_present = z3.And([z3.And(ok, z3.Not(hit)) for ok, hit in matches])
        return z3.If(carried.present, when_present, z3.BoolVal(True))
    when_present = z3.And(z3.And([ok for ok, _ in matches]), z3.Or([hit for _, hit in matches]))
    return z3.And(carried.present, when_present)


def resource_matches(statement: CompiledStatement, resource: Resource) -> z3.BoolRef:
    patterns = statement.resources
    if patterns.everything:
        return z3.BoolVal(True)
    options = [resource.arn == strings.literal(exact) for exact in sorted(patterns.exact)]
    if resource.segments is not None:
        for globs in patterns.globbed:
            options.append(
                z3.And(
                    [
                        z3.InRe(segment, strings.glob(glob.pattern))
                        for segment, glob in zip(resource.segments, globs, strict=True)
                    ]
                )
            )
    return z3.Or(options)


def applies(
    statement: CompiledStatement, action: str, resource: Resource, request: RequestContext
) -> z3.BoolRef | None:
    """When the statement applies to the request; None when it is not about the action."""
    if not statement.covers_action(action.lower()):  # A6
        return None
    conditions = [condition_holds(condition, request) for condition in statement.conditions]
    return z3.And(resource_matches(statement, resource), *conditions)


def allowed(
    policies: Policies, action: str, resource: Resource, request: RequestContext
) -> z3.BoolRef:
    """Explicit Deny over Allow over implicit refusal, across every statement of every policy."""
    allows: list[z3.BoolRef] = []
    denies: list[z3.BoolRef] = []
    for _source, policy in policies:
        for statement in policy.statements:
            term = applies(statement, action, resource, request)
            if term is not None:
                (denies if statement.is_deny else allows).append(term)
    return z3.And(z3.Or(allows), z3.Not(z3.Or(denies)))
