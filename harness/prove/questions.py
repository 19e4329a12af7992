"""The questions an administrator asks of commandUser's policies, for each run-as action.

- Can a forbidden name run? root and system in every letter case (every name that casefolds to
  them, as the fake's `IgnoreCase` compares), plus the names the administrator refuses.
- If A1 is false, can a request that names no user (so runs as the OS default) run?
- Given the instance's facts, can a name that reaches root run? root, and every sudoer that
  exists, `ecs-assist-user` always among them on Linux (the agent gives it passwordless sudo).
- What does this policy set allow that a baseline does not? What names does it allow at all?
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import z3

from fakes.policy.errors import quote
from harness.prove import strings
from harness.prove.encode import Policies, UnsupportedPolicy
from harness.prove.request import RUN_AS_ACTIONS, ConcreteRequest, RunAsRequest
from harness.prove.solve import Answer, Query, Verdict, Witness, replay, solve

FORBIDDEN = ("root", "system")
ECS_ASSIST_USER = "ecs-assist-user"
_ENUMERATED = 3


def _readable() -> strings.ReRef:
    """Names a person can read and Linux accepts: tried first for every witness."""
    chars = [z3.Range("a", "z"), z3.Range("A", "Z"), z3.Range("0", "9")]
    return z3.Plus(z3.Union(*chars, z3.Re("."), z3.Re("_"), z3.Re("-")))


def _unknown(error: Exception) -> Answer:
    if isinstance(error, strings.Unrepresentable):
        reason = f"the policy value {quote(str(error))} has a character z3 cannot hold"
        return Answer(Verdict.UNKNOWN, reason=reason)
    return Answer(Verdict.UNKNOWN, reason=str(error))


def ask(
    policies: Policies,
    action: str,
    wanted: Callable[[RunAsRequest], z3.BoolRef],
    accept: Callable[[ConcreteRequest], bool],
    *,
    prefer: Callable[[RunAsRequest], Sequence[z3.BoolRef]] = lambda r: (),
    baseline: Policies | None = None,
    name_sent: bool = True,
    limit_ms: int | None = None,
) -> Answer:
    """Is some request for `action` that `wanted` describes allowed (and, with a baseline,
    refused by the baseline)? Witnesses must pass `accept` and replay concretely."""
    request = RunAsRequest(action, name_sent=name_sent)
    try:
        formula, links = request.allowed(policies)
        terms = [formula, wanted(request)]
        if baseline is not None:
            refused_by, more = request.allowed(baseline)
            terms.append(z3.Not(refused_by))
            links += more
        preferences = prefer(request)
    except (strings.Unrepresentable, UnsupportedPolicy) as error:
        return _unknown(error)

    def confirm(candidate: ConcreteRequest) -> Witness | None:
        if not accept(candidate):
            return None
        witness = replay(policies, candidate)
        if witness is None or (baseline is not None and replay(baseline, candidate) is not None):
            return None
        return witness

    query = Query(request, z3.And(terms), [*request.shape(), *links], confirm, preferences)
    return solve(query, limit_ms)


def family(name: str) -> strings.ReRef:
    """Every name that is `name` in some letter case, as `IgnoreCase` operators see it."""
    return strings.preimage(name.casefold())


def run_as_any_case(
    policies: Policies, action: str, name: str, limit_ms: int | None = None
) -> Answer:
    return ask(
        policies,
        action,
        lambda r: z3.InRe(r.name.text, family(name)),
        lambda c: c.name is not None and c.name.casefold() == name.casefold(),
        prefer=lambda r: (r.name.text == strings.literal(name), z3.InRe(r.name.text, _readable())),
        limit_ms=limit_ms,
    )


def run_as_exactly(
    policies: Policies, action: str, name: str, limit_ms: int | None = None
) -> Answer:
    return ask(
        policies,
        action,
        lambda r: r.name.text == strings.literal(name),
        lambda c: c.name == name,
        limit_ms=limit_ms,
    )


def run_naming_no_user(policies: Policies, action: str, limit_ms: int | None = None) -> Answer:
    """If A1 is false: a request with no `ecs:CommandRunAs` at all (it runs as the OS default)."""
    return ask(
        policies,
        action,
        lambda r: z3.BoolVal(True),
        lambda c: c.name is None,
        name_sent=False,
        limit_ms=limit_ms,
    )


def run_as_other_than(
    policies: Policies,
    action: str,
    names: Iterable[str],
    *,
    baseline: Policies | None = None,
    looks_like: Sequence[str] = FORBIDDEN,
    limit_ms: int | None = None,
) -> Answer:
    """A name outside `names` that is allowed (and refused by `baseline`, when given); witnesses
    that contain a forbidden name are preferred, then readable ones."""
    excluded = tuple(names)

    def prefer(request: RunAsRequest) -> Sequence[z3.BoolRef]:
        text = request.name.text
        readable = z3.InRe(text, _readable())
        hints = [z3.And(readable, z3.Contains(text, strings.literal(w))) for w in looks_like]
        return (*hints, readable)

    return ask(
        policies,
        action,
        lambda r: z3.And([r.name.text != strings.literal(name) for name in excluded]),
        lambda c: c.name is not None and c.name not in excluded,
        prefer=prefer,
        baseline=baseline,
        limit_ms=limit_ms,
    )


@dataclass(frozen=True)
class InstanceFacts:
    """What the on-instance checks found: the users that exist (None: not known, any may) and
    the sudoers. `ecs-assist-user` is a passwordless sudoer on Linux wherever the agent runs."""

    users: frozenset[str] | None = None
    sudoers: frozenset[str] = frozenset()

    def reaching_root(self) -> list[tuple[str, str]]:
        found = [
            ("root", "uid 0"),
            (ECS_ASSIST_USER, "a passwordless sudoer, made so by the Cloud Assistant agent"),
        ]
        for name in sorted(self.sudoers - {ECS_ASSIST_USER, "root"}):
            if self.users is None or name in self.users:
                found.append((name, "a sudoer"))
        return found


@dataclass(frozen=True)
class NameFinding:
    name: str
    any_case: bool
    why: str
    answer: Answer


@dataclass(frozen=True)
class AllowedNames:
    """Some names the policies allow; `complete` when these are all of them."""

    names: tuple[str, ...]
    complete: bool
    unknown: bool = False
    open: bool = False  # a name longer than every listed value is allowed


@dataclass(frozen=True)
class ActionProof:
    action: str
    forbidden: tuple[NameFinding, ...]
    naming_no_user: Answer
    reach_root: tuple[NameFinding, ...]
    beyond_baseline: Answer | None
    allowed: AllowedNames

    def _answers(self) -> list[Answer]:
        found = [f.answer for f in (*self.forbidden, *self.reach_root)]
        return found + ([self.beyond_baseline] if self.beyond_baseline is not None else [])

    @property
    def verdict(self) -> str:
        answers = self._answers()
        if any(a.verdict is Verdict.ALLOWED for a in answers):
            return "exposed"
        if any(a.verdict is Verdict.UNKNOWN for a in answers):
            return "unknown"
        return "safe"

    @property
    def witnesses(self) -> tuple[Witness, ...]:
        found: list[Witness] = []
        for answer in self._answers():
            if answer.witness is not None and answer.witness not in found:
                found.append(answer.witness)
        return tuple(found)


@dataclass(frozen=True)
class Proof:
    actions: tuple[ActionProof, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def verdict(self) -> str:
        verdicts = {action.verdict for action in self.actions}
        for verdict in ("exposed", "unknown"):
            if verdict in verdicts:
                return verdict
        return "safe"


def _longest_listed(policies: Policies) -> int:
    """The longest value or pattern any condition lists: names beyond it equal none of them."""
    longest = 0
    for _source, policy in policies:
        for statement in policy.statements:
            for condition in statement.conditions:
                longest = max([longest, *(len(value) for value in condition.expected)])
    return longest


def allowed_names(
    policies: Policies, action: str, limit: int = _ENUMERATED, limit_ms: int | None = None
) -> AllowedNames:
    """The allowed names when they are a short closed list; else an example of a name longer
    than anything the policies list (so they are no list of names at all)."""
    beyond = 3 * _longest_listed(policies)  # casefolding can triple a value's length
    long = ask(
        policies,
        action,
        lambda r: z3.Length(r.name.text) > beyond,
        lambda c: c.name is not None and len(c.name) > beyond,
        prefer=lambda r: (z3.InRe(r.name.text, _readable()),),
        limit_ms=limit_ms,
    )
    if long.verdict is Verdict.ALLOWED and long.witness is not None and long.witness.name:
        return AllowedNames((long.witness.name,), complete=False, open=True)
    found: list[str] = []
    for _ in range(limit + 1):
        answer = run_as_other_than(policies, action, found, looks_like=(), limit_ms=limit_ms)
        if answer.verdict is Verdict.REFUSED and long.verdict is Verdict.REFUSED:
            return AllowedNames(tuple(sorted(found)), complete=True)
        if answer.witness is None or answer.witness.name is None:
            return AllowedNames(tuple(found), complete=False, unknown=True)
        if len(found) == limit:
            break
        found.append(answer.witness.name)
    return AllowedNames(tuple(found), complete=False)


def prove(
    policies: Policies,
    *,
    refused: Sequence[str] = (),
    facts: InstanceFacts | None = None,
    baseline: Policies | None = None,
    actions: Sequence[str] = RUN_AS_ACTIONS,
    limit_ms: int | None = None,
) -> Proof:
    """Every question above, for each run-as action."""
    forbidden_names = list(dict.fromkeys([*FORBIDDEN, *refused]))
    proofs = []
    for action in actions:
        forbidden = tuple(
            NameFinding(name, True, "forbidden", run_as_any_case(policies, action, name, limit_ms))
            for name in forbidden_names
        )
        reach: tuple[NameFinding, ...] = ()
        if facts is not None:
            reach = tuple(
                NameFinding(name, False, why, run_as_exactly(policies, action, name, limit_ms))
                for name, why in facts.reaching_root()
                if name != "root"  # already asked, in every letter case
            )
        beyond = None
        if baseline is not None:
            beyond = run_as_other_than(
                policies,
                action,
                (),
                baseline=baseline,
                looks_like=forbidden_names,
                limit_ms=limit_ms,
            )
        proofs.append(
            ActionProof(
                action,
                forbidden,
                run_naming_no_user(policies, action, limit_ms),
                reach,
                beyond,
                allowed_names(policies, action, limit_ms=limit_ms),
            )
        )
    return Proof(tuple(proofs))
