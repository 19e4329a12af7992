"""Why a refusal happened, as RAM's DecodeDiagnosticMessage tells it: the refusal's
`EncodedDiagnosticMessage` decoded through the official RAM SDK, as a typed reason, and the
judgement whether a run-as request was refused for the run-as condition or for another reason."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from alibabacloud_ram20150501 import models as ram

from harness.sdk.clients import Endpoint, Principal, ram_client
from harness.sdk.gateway import Gateway, Refusal

#: The API actions that carry a run-as user, and the RAM action each is authorized as.
RUN_AS_ACTIONS = {"RunCommand": "ecs:RunCommand", "InvokeCommand": "ecs:InvokeCommand"}
RUN_AS_KEY = "ecs:CommandRunAs"


@dataclass(frozen=True)
class MatchedPolicy:
    """A policy that decided the refusal, with its version and the scope it is attached at."""

    identifier: str
    policy_type: str
    effect: str
    version: str
    scope: str
    entity_type: str

    def __str__(self) -> str:
        version = f" {self.version}" if self.version else ""
        return f"{self.effect} by {self.policy_type} `{self.identifier}`{version} at {self.scope}"


@dataclass(frozen=True)
class DecodedRefusal:
    """A refusal's decoded diagnostic: what was asked, by whom, in which context, and who
    decided (DecodedDiagnosticMessage of the RAM API)."""

    explicit: bool
    policy_type: str
    action: str
    resource: str
    principal: str
    conditions: Mapping[str, tuple[str, ...]]
    matched: tuple[MatchedPolicy, ...]

    @classmethod
    def of(cls, decoded: Mapping[str, Any]) -> DecodedRefusal:
        """From the SDK model's `to_map()`."""
        who = decoded.get("AuthPrincipal") or {}
        conditions = {
            str(c.get("ConditionKey")): tuple(str(v) for v in c.get("ConditionValues") or ())
            for c in decoded.get("AuthConditions") or ()
        }
        matched = tuple(
            MatchedPolicy(
                identifier=str(m.get("PolicyIdentifier", "")),
                policy_type=str(m.get("PolicyType", "")),
                effect=str(m.get("Effect", "")),
                version=str(m.get("PolicyVersion") or ""),
                scope=str(m.get("AttachedScope", "")),
                entity_type=str(m.get("AttachedEntityType", "")),
            )
            for m in decoded.get("MatchedPolicies") or ()
        )
        return cls(
            explicit=bool(decoded.get("ExplicitDeny")),
            policy_type=str(decoded.get("NoPermissionPolicyType", "")),
            action=str(decoded.get("AuthAction", "")),
            resource=str(decoded.get("AuthResource", "")),
            principal=str(who.get("AuthPrincipalDisplayName", "")),
            conditions=conditions,
            matched=matched,
        )

    def __str__(self) -> str:
        kind = "an explicit deny" if self.explicit else "an implicit deny"
        text = f"`{self.action}` on `{self.resource}`: {kind} ({self.policy_type})"
        run_as = self.conditions.get(RUN_AS_KEY)
        if run_as is not None:
            text += f", `{RUN_AS_KEY}` `{', '.join(run_as)}`"
        if self.matched:
            text += ", decided by " + "; ".join(str(m) for m in self.matched)
        return text


def decode(
    gateway: Gateway, principal: Principal, region: str, endpoint: Endpoint | None, encoded: str
) -> DecodedRefusal:
    """`encoded` decoded by ram:DecodeDiagnosticMessage as `principal`; a refusal of the decode
    itself raises `Refusal`. The gateway records the call as evidence."""
    client = ram_client(principal, region, endpoint)
    request = ram.DecodeDiagnosticMessageRequest(encoded_diagnostic_message=encoded)
    body = gateway.call(principal.name, client.decode_diagnostic_message, request).body
    found = body.decoded_diagnostic_message
    return DecodedRefusal.of(found.to_map() if found is not None else {})


def encoded_of(refusal: Refusal) -> str | None:
    """The refusal's `EncodedDiagnosticMessage`, when it carries one (a RAM denial)."""
    found = (refusal.access_denied_detail or {}).get("EncodedDiagnosticMessage")
    return found if isinstance(found, str) and found else None


def wrong_reason(
    refusal: Refusal, decoded: DecodedRefusal, sent: str | None, close: Sequence[str] | None
) -> str | None:
    """Why a run-as request's refusal is not the run-as rule's, or None when it is.

    The run-as rule refused when the decoded action is the request's run-as action and either
    a Deny decided, or the deny is implicit with `ecs:CommandRunAs` carrying the name sent and
    a run-as condition is among the near misses (`close`, the fake's explanation: a statement
    allowed the action but its condition failed). An implicit deny with no near miss is "no
    policy allows the action at all"."""
    wanted = RUN_AS_ACTIONS.get(refusal.action)
    if wanted is None:
        return None
    if decoded.action.lower() != wanted.lower():
        return f"RAM refused `{decoded.action}`, not `{wanted}`: {decoded}"
    if decoded.explicit:
        return None
    run_as = decoded.conditions.get(RUN_AS_KEY)
    if run_as is None:
        return f"the decoded refusal carries no `{RUN_AS_KEY}`: {decoded}"
    if sent is not None and sent not in run_as:
        return f"`{RUN_AS_KEY}` is `{', '.join(run_as)}`, not the `{sent}` sent: {decoded}"
    if close is not None and not any(RUN_AS_KEY.lower() in c.lower() for c in close):
        return f"no statement allows it, whatever the run-as user: {decoded}"
    return None


def near_misses(refusal: Refusal) -> list[str] | None:
    """The conditions that failed, from the fake's readable explanation of an implicit deny;
    None where the diagnostic is encrypted (a real gateway) and only the decode tells."""
    text = refusal.explanation()
    if not text.startswith("ImplicitDeny"):
        return None
    _, _, close = text.partition(": ")
    _, _, rest = close.partition(": ")
    return [part for part in rest.split("; ") if part]


def keep(refusal: Refusal, decoded: DecodedRefusal) -> None:
    """Keep the decoded reason with the refusal, for the report."""
    refusal.decoded = decoded  # type: ignore[attr-defined]


def decoded_of(refusal: Refusal) -> DecodedRefusal | None:
    found = getattr(refusal, "decoded", None)
    return found if isinstance(found, DecodedRefusal) else None
