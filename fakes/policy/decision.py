"""What evaluation is asked and what it answers: the request, and a Decision that explains itself.

The explanation is the result; `is_allowed` is derived from it (STYLE 1). A refusal carries every
near miss (conditions that failed, resources that did not match) so a person can act on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from fakes.policy.errors import quote, quoted_list


@dataclass(frozen=True, slots=True)
class PolicySource:
    """Which attached policy a statement belongs to."""

    name: str  # "commandUserPolicy"; a control policy's id ("cp-...")
    type: str  # "System" | "Custom" | "Session"; a control policy's is "ControlPolicy"
    version: str = "v1"
    #: Where it is attached: "" at account level, else the resource group ("rg-...") or, for a
    #: control policy, the Resource Directory target (folder or account) it is attached to.
    scope: str = ""
    #: What holds the attachment: "User", "Group", "Role", "Session" or "ResourceDirectory".
    holder: str = ""


@dataclass(frozen=True, slots=True)
class AuthRequest:
    """One authorization question: may this action be done on this resource, in this context.

    `context` maps condition keys to the values the request carries, as strings. A key absent
    from the mapping, or mapped to an empty tuple, is not carried by the request (A2).
    """

    action: str  # "ecs:RunCommand"
    resource: str  # "acs:ecs:cn-hangzhou:1234567890123456:instance/i-abc"
    context: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class StatementRef:
    """A statement named by its policy and 1-based position, as reports cite it."""

    policy: PolicySource
    index: int
    effect: str  # "Allow" | "Deny"

    def __str__(self) -> str:
        return f"{self.policy.name} statement {self.index}"


@dataclass(frozen=True, slots=True)
class ConditionFailure:
    """A statement whose action and resource matched but one of whose conditions did not hold."""

    statement: StatementRef
    operator: str  # as written, e.g. "StringEquals"
    key: str  # as written, e.g. "ecs:CommandRunAs"
    expected: tuple[str, ...]
    actual: tuple[str, ...] | None  # None when the request does not carry the key
    reason: str  # one line, e.g. "`ecs:CommandRunAs` is `root`, not one of `user01`, `user02`"


@dataclass(frozen=True, slots=True)
class ResourceMiss:
    """A statement that covers the action but names none of the request's resource (near miss)."""

    statement: StatementRef
    resources: tuple[str, ...]  # the statement's `Resource` patterns as written


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of `evaluate`, with the statements that produced it and the near misses."""

    kind: str  # "Allow" | "ExplicitDeny" | "ImplicitDeny"
    request: AuthRequest
    deciding: tuple[StatementRef, ...]  # Allow: the allowing statements; ExplicitDeny: the denying
    failed_conditions: tuple[ConditionFailure, ...] = ()  # refusals only; one per failed condition
    resource_misses: tuple[ResourceMiss, ...] = ()  # refusals only

    @property
    def is_allowed(self) -> bool:
        """The bool, derived from the explanation."""
        return self.kind == "Allow"

    @property
    def effect(self) -> Literal["Allow", "Deny"]:
        """`Allow` or `Deny`, for callers that do not care whether a denial was explicit."""
        return "Allow" if self.kind == "Allow" else "Deny"

    def explain(self) -> str:
        """One readable line: the decision, what decided it, and for refusals what came close."""
        deciding = ", ".join(str(ref) for ref in self.deciding)
        if self.kind == "Allow":
            return f"Allow: {deciding}"
        target = f"{quote(self.request.action)} on {quote(self.request.resource)}"
        if self.kind == "ExplicitDeny":
            return f"ExplicitDeny: {target} is denied by {deciding}"
        line = f"ImplicitDeny: no statement allows {target}"
        close = [f"{f.statement}: {f.reason}" for f in self.failed_conditions]
        close += [
            f"{miss.statement} covers the action only on {quoted_list(miss.resources)}"
            for miss in self.resource_misses
            if miss.statement.effect == "Allow"
        ]
        return f"{line}: {'; '.join(close)}" if close else line
