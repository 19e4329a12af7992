"""RAM's evaluation order over every kind of policy that bears on a request (reference 3.2 and
paths-to-root section 4): control policies first (an explicit Deny refuses, and a request no
control policy allows goes no further: they set a boundary and grant nothing); then the
identity policies attached at account level, whose Allow or explicit Deny ends the evaluation;
only when they decide nothing, those attached at the scope of the resource's resource group;
and for an assumed role, its session policy must allow too.

`decide` answers a `Verdict`: the deciding layer's `Decision` and the layer's name as
`AccessDeniedDetail.PolicyType` spells it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fakes.policy.decision import AuthRequest, Decision, PolicySource
from fakes.policy.document import CompiledPolicy
from fakes.policy.evaluate import evaluate

CONTROL = "ControlPolicy"
ACCOUNT_LEVEL = "AccountLevelIdentityBasedPolicy"
RESOURCE_GROUP_LEVEL = "ResourceGroupLevelIdentityBasedPolicy"
SESSION = "SessionPolicy"

Attached = tuple[PolicySource, CompiledPolicy]


@dataclass(frozen=True)
class PolicySet:
    """Everything that bears on one principal's requests; `identity` holds its own and its
    groups' policies, each source naming its scope ("" = account level)."""

    identity: Sequence[Attached]
    control: Sequence[Attached] | None = None  # None: no control policy is in force
    session: Attached | None = None


@dataclass(frozen=True)
class Verdict:
    """The decision that settled the request and the layer that made it."""

    decision: Decision
    policy_type: str

    @property
    def is_allowed(self) -> bool:
        return self.decision.is_allowed


def decide(policies: PolicySet, request: AuthRequest, resource_group: str | None) -> Verdict:
    """Decide `request` as RAM does; `resource_group` is the group the resource is in (None:
    the resource belongs to none, so no resource-group-scoped policy applies to it)."""
    if policies.control is not None:
        control = evaluate(policies.control, request)
        if not control.is_allowed:
            return Verdict(control, CONTROL)
    account = [p for p in policies.identity if not p[0].scope]
    verdict = Verdict(evaluate(account, request), ACCOUNT_LEVEL)
    if verdict.decision.kind == "ImplicitDeny" and resource_group:
        scoped = [p for p in policies.identity if p[0].scope == resource_group]
        if scoped:  # A61: the account level decided nothing; the group's policies may
            verdict = Verdict(evaluate(scoped, request), RESOURCE_GROUP_LEVEL)
    if verdict.is_allowed and policies.session is not None:
        # A session policy narrows the role: both must allow (reference section 3.2).
        session = evaluate([policies.session], request)
        if not session.is_allowed:
            return Verdict(session, SESSION)
    return verdict
