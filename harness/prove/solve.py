"""Ask z3 one question and believe only what it can show: `never` from unsat, `allowed` only
with a witness the concrete engine (`fakes.policy.evaluate`) allows, UNKNOWN otherwise.

Every query has a time limit. When z3 says unknown (time out, or a theory it gives up on), the
answer is UNKNOWN with z3's reason, never a guess; so is a model that does not replay.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

import z3

from fakes.policy import AuthRequest, Decision, StatementRef, evaluate
from harness.prove import strings
from harness.prove.encode import Policies, RequestContext, Resource, UnsupportedPolicy, allowed
from harness.prove.request import GLOBAL_KEYS, ConcreteRequest, RunAsRequest

#: Per query; `RUNAS_PROVE_TIMEOUT_MS` overrides it.
DEFAULT_TIMEOUT_MS = 10_000
_RETRIES = 3
_COMBINATIONS = 16


def timeout_ms() -> int:
    text = os.environ.get("RUNAS_PROVE_TIMEOUT_MS", "")
    return int(text) if text.isdigit() and int(text) > 0 else DEFAULT_TIMEOUT_MS


class Verdict(Enum):
    ALLOWED = "allowed"
    REFUSED = "refused"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Witness:
    """A request the policies allow, with the concrete engine's decisions for each resource."""

    request: ConcreteRequest
    decisions: tuple[Decision, ...]

    @property
    def name(self) -> str | None:
        return self.request.name

    @property
    def statements(self) -> tuple[StatementRef, ...]:
        """The statements that allowed it, each once."""
        found = [ref for decision in self.decisions for ref in decision.deciding]
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Answer:
    verdict: Verdict
    witness: Witness | None = None
    reason: str = ""  # UNKNOWN: why; otherwise empty


Confirm = Callable[[ConcreteRequest], Witness | None]


@dataclass
class Query:
    """`formula` over `request`'s terms must be satisfiable for a yes; `confirm` replays a
    candidate concretely; `preferences` are tried first, for a witness a person can read."""

    request: RunAsRequest
    formula: z3.BoolRef
    constraints: list[z3.BoolRef]
    confirm: Confirm
    preferences: Sequence[z3.BoolRef] = field(default=())


def replay(policies: Policies, request: ConcreteRequest) -> Witness | None:
    """The witness when the concrete engine allows every call of `request`, else None."""
    decisions = tuple(evaluate(policies, auth) for auth in request.auth_requests())
    if all(decision.is_allowed for decision in decisions):
        return Witness(request, decisions)
    return None


def _candidates(request: RunAsRequest, model: z3.ModelRef) -> list[ConcreteRequest]:
    names: list[str | None] = [*request.name.render(model)] if request.name_sent else [None]
    keys = [key for key in GLOBAL_KEYS if key in request.context_slots]
    options = [request.context_slots[key].render(model) for key in keys]
    ids = [
        strings.text_of(model, term)
        for term in (request.region, request.account, request.instance_id, request.command_id)
    ]
    found = []
    for name, *values in itertools.islice(itertools.product(names, *options), _COMBINATIONS):
        context = {key: (str(value),) for key, value in zip(keys, values, strict=True)}
        found.append(ConcreteRequest(request.action, name, context, *ids))
    return found


def _check(solver: z3.Solver) -> z3.CheckSatResult:
    try:
        return solver.check()
    except z3.Z3Exception:  # z3 may raise instead of answering unknown, e.g. when cancelled
        return z3.unknown


def _solver(assertions: Sequence[z3.BoolRef], limit_ms: int) -> z3.Solver:
    # A fresh solver per check: z3 (5.4) may answer a check after push/pop `canceled`.
    solver = z3.Solver()
    solver.set("timeout", limit_ms)
    solver.add(*assertions)
    return solver


def solve(query: Query, limit_ms: int | None = None) -> Answer:
    limit = limit_ms or timeout_ms()
    assertions = [*query.constraints, query.formula]
    name = query.request.name.text
    for attempt in range(_RETRIES):
        solver = _solver(assertions, limit)
        result = _check(solver)
        if result == z3.unsat:
            if attempt:
                return Answer(Verdict.UNKNOWN, reason="no candidate the solver found replays")
            return Answer(Verdict.REFUSED)
        if result != z3.sat:
            return Answer(Verdict.UNKNOWN, reason=f"z3: {solver.reason_unknown()}")
        model = solver.model()
        for preference in query.preferences:
            preferred = _solver([*assertions, preference], limit)
            if _check(preferred) == z3.sat:
                model = preferred.model()
                break
        for candidate in _candidates(query.request, model):
            witness = query.confirm(candidate)
            if witness is not None:
                return Answer(Verdict.ALLOWED, witness)
        if not query.request.name_sent:
            break
        assertions.append(name != strings.literal(strings.text_of(model, name)))
    return Answer(Verdict.UNKNOWN, reason="no candidate the solver found replays")


def decide(policies: Policies, request: AuthRequest, limit_ms: int | None = None) -> Verdict:
    """One concrete request, decided symbolically: how the differential tests hold the
    translation to the concrete engine, case by case."""
    try:
        formula = allowed(
            policies,
            request.action,
            Resource.fixed(request.resource),
            RequestContext(fixed=request.context),
        )
    except (strings.Unrepresentable, UnsupportedPolicy):
        return Verdict.UNKNOWN
    limit = limit_ms or timeout_ms()
    can_allow = _check(_solver([formula], limit))
    can_refuse = _check(_solver([z3.Not(formula)], limit))
    if can_allow == z3.sat and can_refuse == z3.unsat:
        return Verdict.ALLOWED
    if can_allow == z3.unsat and can_refuse == z3.sat:
        return Verdict.REFUSED
    return Verdict.UNKNOWN
