"""Evaluate a request against attached policies: explicit Deny wins, then Allow, else implicit.

The loop is the hot path (100k decisions a second is the target), so it only does set lookups
and compiled matches; the explanation is assembled only for refusals.
"""

from __future__ import annotations

from collections.abc import Sequence

from fakes.policy.decision import (
    AuthRequest,
    ConditionFailure,
    Decision,
    PolicySource,
    ResourceMiss,
    StatementRef,
)
from fakes.policy.document import CompiledPolicy, CompiledStatement
from fakes.policy.patterns import split_arn

_Hit = tuple[PolicySource, CompiledStatement]


def _ref(hit: _Hit) -> StatementRef:
    source, statement = hit
    return StatementRef(source, statement.index, statement.effect)


def _failures(hit: _Hit, request: AuthRequest) -> list[ConditionFailure]:
    """Every condition of a matched statement that does not hold, each with its reason."""
    ref = _ref(hit)
    found: list[ConditionFailure] = []
    for condition in hit[1].conditions:
        if not condition.holds(request.context):
            actual = condition.request_values(request.context)
            reason = condition.failure_reason(actual)
            found.append(
                ConditionFailure(
                    ref, condition.operator, condition.key, condition.expected, actual, reason
                )
            )
    return found


def evaluate(
    policies: Sequence[tuple[PolicySource, CompiledPolicy]], request: AuthRequest
) -> Decision:
    """Decide `request` under every given policy; the Decision says which statements decided."""
    action = request.action.lower()  # A6
    resource = request.resource
    segments = split_arn(resource)
    context = request.context
    allows: list[_Hit] = []
    denies: list[_Hit] = []
    unmet: list[_Hit] = []
    misses: list[_Hit] = []
    for source, policy in policies:
        for statement in policy.statements:
            if not statement.covers_action(action):
                continue
            if not statement.resources.matches(resource, segments):
                misses.append((source, statement))
                continue
            for condition in statement.conditions:
                if not condition.holds(context):
                    unmet.append((source, statement))
                    break
            else:
                (denies if statement.is_deny else allows).append((source, statement))
    if allows and not denies:
        return Decision("Allow", request, tuple(_ref(hit) for hit in allows))
    failed = tuple(failure for hit in unmet for failure in _failures(hit, request))
    resource_misses = tuple(ResourceMiss(_ref(hit), hit[1].resources.written) for hit in misses)
    if denies:
        deciding = tuple(_ref(hit) for hit in denies)
        return Decision("ExplicitDeny", request, deciding, failed, resource_misses)
    return Decision("ImplicitDeny", request, (), failed, resource_misses)
