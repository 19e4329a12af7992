"""A policy set's Allows, remembered: the same question under the same policies gets the same
answer, so a principal that runs the same command on the same instance again is not evaluated
again.

A decision reads only the action (case-folded, A6), the resource, the resource's group (for
resource-group-scoped policies) and, of the request's context, the values of the condition keys
the set's statements name, as each condition reads them (`CompiledCondition.request_values`).
That tuple is the memo's key, so a key the policies do not name (`acs:CurrentTime` under the
guide's policies) does not split it. Only Allows are kept: a refusal is evaluated afresh every
time, since its explanation quotes the whole request. The memo holds a bounded number of keys
and starts over when full; the set itself never changes (whoever holds the memo drops it when
the policies change).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from fakes.policy.conditions import CompiledCondition
from fakes.policy.decision import AuthRequest
from fakes.policy.layers import Attached, PolicySet, Verdict, decide

#: How many allowed questions one memo keeps before it starts over.
MEMO_LIMIT = 512

_Key = tuple[str, str, str | None, tuple[tuple[str, ...] | None, ...]]


def _attached(policies: PolicySet) -> Iterator[Attached]:
    yield from policies.identity
    yield from policies.control or ()
    if policies.session is not None:
        yield policies.session


def referenced_conditions(policies: PolicySet) -> tuple[CompiledCondition, ...]:
    """One condition per condition key as written anywhere in the set (each reads its key's
    values the same way), in a fixed order."""
    by_key: dict[str, CompiledCondition] = {}
    for _, policy in _attached(policies):
        for statement in policy.statements:
            for condition in statement.conditions:
                by_key.setdefault(condition.key, condition)
    return tuple(by_key[key] for key in sorted(by_key))


class DecisionMemo:
    """`decide` over one fixed `PolicySet`, with its Allows remembered (at most `limit`)."""

    __slots__ = ("_allowed", "_conditions", "_limit", "policies")

    def __init__(self, policies: PolicySet, *, limit: int = MEMO_LIMIT) -> None:
        self.policies = policies
        self._conditions = referenced_conditions(policies)
        self._allowed: set[_Key] = set()
        self._limit = limit

    def __len__(self) -> int:
        """How many allowed questions are remembered (never more than the limit)."""
        return len(self._allowed)

    def refusal(self, request: AuthRequest, resource_group: str | None) -> Verdict | None:
        """None when the set allows `request`; else the refusing `Verdict`, just evaluated."""
        return self.refusal_of(request.action, request.resource, request.context, resource_group)

    def refusal_of(
        self,
        action: str,
        resource: str,
        context: Mapping[str, tuple[str, ...]],
        resource_group: str | None,
    ) -> Verdict | None:
        """`refusal` of the request made of these parts, which is built only when the memo does
        not hold the answer (an authorizer asks this way: most questions are asked before)."""
        key = (
            action.lower(),
            resource,
            resource_group,
            tuple([condition.request_values(context) for condition in self._conditions]),
        )
        if key in self._allowed:
            return None
        request = AuthRequest(action, resource, context)
        verdict = decide(self.policies, request, resource_group)
        if not verdict.is_allowed:
            return verdict
        if len(self._allowed) >= self._limit:
            self._allowed.clear()
        self._allowed.add(key)
        return None
