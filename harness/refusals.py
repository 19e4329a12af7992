"""Why a refusal happened, as RAM's DecodeDiagnosticMessage tells it: the refusal's
`EncodedDiagnosticMessage` decoded through the official RAM SDK, as a typed reason, and the
judgement whether a run-as request was refused by the run-as rule (and a side door by a rule on
its own action, and by the policy the scenario expects where it names one): proved, assumed under a
named assumption where the decoded fields cannot tell (an implicit deny on a real account, A90),
or wrong; and the one line for a refused call the harness made on its own account."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from alibabacloud_ram20150501 import models as ram

from harness.sdk.clients import Endpoint, Principal, ram_client
from harness.sdk.gateway import Gateway, Refusal

#: The API actions that carry a run-as user, and the RAM action each is authorized as.
RUN_AS_ACTIONS = {"RunCommand": "ecs:RunCommand", "InvokeCommand": "ecs:InvokeCommand"}
RUN_AS_KEY = "ecs:CommandRunAs"
#: The side doors (paths_to_root): API actions that act on an instance as root without
#: `ecs:CommandRunAs`, and the RAM actions a refusal of each may be for: its own, and for
#: AttachInstanceRamRole also `ram:PassRole`, which attaching a role needs (the ECS API
#: reference's authorization table for AttachInstanceRamRole).
SIDE_DOOR_ACTIONS: Mapping[str, frozenset[str]] = {
    "SendFile": frozenset({"ecs:SendFile"}),
    "StartTerminalSession": frozenset({"ecs:StartTerminalSession"}),
    "ModifyInvocationAttribute": frozenset({"ecs:ModifyInvocationAttribute"}),
    "ModifyInstanceAttribute": frozenset({"ecs:ModifyInstanceAttribute"}),
    "AttachInstanceRamRole": frozenset({"ecs:AttachInstanceRamRole", "ram:PassRole"}),
    "AttachKeyPair": frozenset({"ecs:AttachKeyPair"}),
}


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


#: The policy types an identity's own policies refuse under (DecodeDiagnosticMessage's
#: NoPermissionPolicyType; the other documented values are ControlPolicy, SessionPolicy and
#: AssumeRolePolicy). https://help.aliyun.com/zh/ram/developer-reference/api-ram-2015-05-01-decodediagnosticmessage
IDENTITY_POLICY_TYPES = frozenset(
    {"AccountLevelIdentityBasedPolicy", "ResourceGroupLevelIdentityBasedPolicy"}
)
#: What an implicit deny's reason rests on where only the decode tells (fakes/assumptions.py).
IMPLICIT_REASON = "A90"

Standing = Literal["proved", "assumed", "wrong"]


@dataclass(frozen=True)
class Reason:
    """How a run-as refusal's reason stands: `proved` from what the decode (or the fake's
    explanation) says, `assumed` under a named assumption where the decoded fields cannot tell,
    or `wrong`: refused, but not by the run-as rule."""

    standing: Standing
    text: str
    assumption: str = ""

    def __str__(self) -> str:
        named = f" (assumption {self.assumption})" if self.assumption else ""
        return f"{self.standing}{named}: {self.text}"


def judge(
    refusal: Refusal,
    decoded: DecodedRefusal,
    sent: str | None,
    close: Sequence[str] | None,
    expected: Collection[str] = (),
) -> Reason | None:
    """Whether a run-as request (RunCommand, InvokeCommand) was refused by the run-as rule, or
    a side door (SIDE_DOOR_ACTIONS) by a rule on its own action; None for any other request.

    The decoded `AuthAction` must be the request's own action. For a run-as request its
    `AuthConditions` must carry `ecs:CommandRunAs` with the name sent (DecodeDiagnosticMessage
    lists the request's condition keys and values). A Deny then proves it, and where the
    scenario names the policy it expects (`expected`: its names and cloud identifiers), only a
    Deny whose MatchedPolicies include it does: a Deny from another policy is the wrong reason.
    An implicit deny names no statement (MatchedPolicies is empty, A66): for a side door the
    matching `AuthAction` proves that no statement allows that action; for a run-as request,
    where the fake's explanation lists the near misses (`close`), a run-as condition among them
    proves it and none is the wrong reason; where only the decode tells (a real gateway), the
    reason rests on assumption A90."""
    door = SIDE_DOOR_ACTIONS.get(refusal.action)
    if door is not None:
        return _judge_side_door(decoded, door, expected)
    wanted = RUN_AS_ACTIONS.get(refusal.action)
    if wanted is None:
        return None
    if decoded.action.lower() != wanted.lower():
        return Reason("wrong", f"RAM refused `{decoded.action}`, not `{wanted}`: {decoded}")
    run_as = decoded.conditions.get(RUN_AS_KEY)
    if run_as is None:
        return Reason("wrong", f"the decoded refusal carries no `{RUN_AS_KEY}`: {decoded}")
    if sent is not None and sent not in run_as:
        shown = ", ".join(run_as)
        return Reason("wrong", f"`{RUN_AS_KEY}` is `{shown}`, not the `{sent}` sent: {decoded}")
    if decoded.explicit:
        return _by_the_expected_deny(decoded, expected)
    if decoded.policy_type not in IDENTITY_POLICY_TYPES:
        return Reason(
            "wrong", f"no {decoded.policy_type} allows it, whatever the run-as user: {decoded}"
        )
    if close is None:
        return Reason(
            "assumed",
            f"no statement allowed it, taken to be for `{RUN_AS_KEY}`: {decoded}",
            IMPLICIT_REASON,
        )
    if not any(RUN_AS_KEY.lower() in c.lower() for c in close):
        return Reason("wrong", f"no statement allows it, whatever the run-as user: {decoded}")
    return Reason(
        "proved", f"a statement allows it but its `{RUN_AS_KEY}` condition failed: {decoded}"
    )


def _judge_side_door(
    decoded: DecodedRefusal, door: frozenset[str], expected: Collection[str]
) -> Reason:
    """A side door's refusal: RAM must have refused the door's own action."""
    if decoded.action.lower() not in {a.lower() for a in door}:
        shown = " or ".join(f"`{a}`" for a in sorted(door))
        return Reason("wrong", f"RAM refused `{decoded.action}`, not {shown}: {decoded}")
    if decoded.explicit:
        return _by_the_expected_deny(decoded, expected)
    return Reason("proved", f"no statement allows `{decoded.action}`: {decoded}")


def _by_the_expected_deny(decoded: DecodedRefusal, expected: Collection[str]) -> Reason:
    """An explicit deny proves the reason; where a policy is expected, only when it decided."""
    if not expected:
        return Reason("proved", f"a Deny refused it: {decoded}")
    wanted = {e.lower() for e in expected}
    if any(m.identifier.lower() in wanted for m in decoded.matched):
        return Reason("proved", f"the expected policy's Deny refused it: {decoded}")
    shown = ", ".join(f"`{e}`" for e in sorted(expected))
    return Reason("wrong", f"a Deny refused it, but not one from {shown}: {decoded}")


def wrong_reason(
    refusal: Refusal,
    decoded: DecodedRefusal,
    sent: str | None,
    close: Sequence[str] | None,
    expected: Collection[str] = (),
) -> str | None:
    """Why a run-as request's (or a side door's) refusal is not for the rule the spec expects,
    or None when it is (proved or assumed: see `judge`)."""
    reason = judge(refusal, decoded, sent, close, expected)
    return reason.text if reason is not None and reason.standing == "wrong" else None


def helper_refused(refusal: Refusal, decoded: DecodedRefusal | None, *, before: str = "") -> str:
    """The one line for a call the harness made on its own account (DescribeCommands to find a
    saved command, DescribeInvocationResults to read what ran) that RAM refused: it answers no
    question the spec asks. `before`: the run-as call it was on the way to, never sent."""
    why = str(decoded) if decoded is not None else f"{refusal.code}: {refusal.message}"
    if before:
        return (
            f"the harness's own `{refusal.action}` call was refused before `{before}` was "
            f"sent, so the run-as request was never made: {why}"
        )
    return (
        f"the harness's own `{refusal.action}` call was refused, so what ran cannot be "
        f"checked: {why}"
    )


def near_misses(refusal: Refusal) -> list[str] | None:
    """The conditions that failed, from the fake's readable explanation of an implicit deny;
    None where the diagnostic is encrypted (a real gateway) and only the decode tells."""
    text = refusal.explanation()
    if not text.startswith("ImplicitDeny"):
        return None
    _, _, close = text.partition(": ")
    _, _, rest = close.partition(": ")
    return [part for part in rest.split("; ") if part]


def keep(refusal: Refusal, decoded: DecodedRefusal, reason: Reason | None = None) -> None:
    """Keep the decoded reason (and how the run-as rule's part in it stands) with the
    refusal, for the report."""
    refusal.decoded = decoded  # type: ignore[attr-defined]
    refusal.reason = reason  # type: ignore[attr-defined]


def decoded_of(refusal: Refusal) -> DecodedRefusal | None:
    found = getattr(refusal, "decoded", None)
    return found if isinstance(found, DecodedRefusal) else None


def reason_of(refusal: Refusal) -> Reason | None:
    found = getattr(refusal, "reason", None)
    return found if isinstance(found, Reason) else None
