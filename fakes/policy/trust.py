"""Trust policies of RAM roles (`AssumeRolePolicyDocument`): who may assume the role.

Parsed on their own, because their grammar differs from an identity policy's: every statement
names a `Principal` (`Service`, `RAM` or `Federated`) and has no `Resource`; the only action is
`sts:AssumeRole`. Reference section 3.1 gives the ECS service-role form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fakes.policy.conditions import CompiledCondition, Context, compile_conditions
from fakes.policy.document import parse_document_text
from fakes.policy.errors import PolicyError, json_kind, quote
from fakes.policy.patterns import ActionPatterns, compile_actions, string_list

_STATEMENT_KEYS = frozenset({"Sid", "Effect", "Action", "Principal", "Condition"})
_PRINCIPAL_KINDS = ("Service", "RAM", "Federated")


@dataclass(frozen=True, slots=True)
class TrustStatement:
    index: int
    effect: str
    actions: ActionPatterns
    services: frozenset[str]  # lower case: `ecs.aliyuncs.com`
    ram: frozenset[str]  # `acs:ram::<account>:root`, `...:user/<name>`, `...:role/<name>`
    conditions: tuple[CompiledCondition, ...]


@dataclass(frozen=True, slots=True)
class TrustPolicy:
    text: str
    statements: tuple[TrustStatement, ...]

    def trusts_service(self, service: str, context: Context | None = None) -> bool:
        """Whether the Alibaba Cloud service (e.g. `ecs.aliyuncs.com`) may assume the role."""
        return self._decide(lambda s: service.lower() in s.services, context or {})

    def trusts_ram(self, arn: str, account_id: str, context: Context | None = None) -> bool:
        """Whether a RAM identity (`acs:ram::<account>:user/<name>`) may assume the role; the
        account's `root` principal stands for every identity of that account."""
        root = f"acs:ram::{account_id}:root"
        return self._decide(lambda s: arn in s.ram or root in s.ram, context or {})

    def _decide(self, names: Callable[[TrustStatement], bool], context: Context) -> bool:
        allowed = False
        for statement in self.statements:
            if not statement.actions.matches("sts:assumerole") or not names(statement):
                continue
            if all(condition.holds(context) for condition in statement.conditions):
                if statement.effect == "Deny":
                    return False
                allowed = True
        return allowed


def _principal(raw: object, index: int) -> tuple[frozenset[str], frozenset[str]]:
    if not isinstance(raw, Mapping) or not raw:
        raise PolicyError(
            f"`Principal` must be an object naming `Service`, `RAM` or `Federated`, got "
            f"{json_kind(raw)}",
            index,
        )
    for kind in raw:
        if kind not in _PRINCIPAL_KINDS:
            raise PolicyError(f"unknown principal type {quote(str(kind))}", index)
    services = (
        string_list(raw.get("Service", []) or [], "Principal.Service", index)
        if ("Service" in raw)
        else ()
    )
    ram = string_list(raw["RAM"], "Principal.RAM", index) if "RAM" in raw else ()
    for arn in ram:
        if not arn.startswith("acs:ram::"):
            raise PolicyError(f"`Principal.RAM` entry {quote(arn)} is not a RAM ARN", index)
    if "Federated" in raw:
        string_list(raw["Federated"], "Principal.Federated", index)
    return frozenset(s.lower() for s in services), frozenset(ram)


def _statement(raw: object, index: int) -> TrustStatement:
    if not isinstance(raw, Mapping):
        raise PolicyError(f"must be an object, got {json_kind(raw)}", index)
    for key in raw:
        if key == "Resource":
            raise PolicyError("a trust policy statement takes no `Resource`", index)
        if key not in _STATEMENT_KEYS:
            raise PolicyError(f"unknown key {quote(str(key))}", index)
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        shown = quote(effect) if isinstance(effect, str) else json_kind(effect)
        raise PolicyError(f"`Effect` must be `Allow` or `Deny`, got {shown}", index)
    if "Action" not in raw:
        raise PolicyError("missing `Action`", index)
    actions = compile_actions(raw["Action"], "Action", index)
    for written in actions.written:
        if written.lower() not in ("sts:assumerole", "sts:*", "*"):
            raise PolicyError(
                f"a trust policy allows only `sts:AssumeRole`, got {quote(written)}", index
            )
    if "Principal" not in raw:
        raise PolicyError("missing `Principal`, which a trust policy requires", index)
    services, ram = _principal(raw["Principal"], index)
    conditions = compile_conditions(raw["Condition"], index) if "Condition" in raw else ()
    return TrustStatement(index, effect, actions, services, ram, conditions)


def compile_trust_policy(document: str) -> TrustPolicy:
    """Parse and validate a role's trust policy; raise `PolicyError` for anything malformed."""
    parsed = parse_document_text(document)
    if not isinstance(parsed, Mapping):
        raise PolicyError(f"document must be a JSON object, got {json_kind(parsed)}")
    for key in parsed:
        if key not in ("Version", "Statement"):
            raise PolicyError(f"unknown top-level key {quote(str(key))}")
    if parsed.get("Version") != "1":
        raise PolicyError(f"`Version` must be `1`, got {quote(str(parsed.get('Version')))}")
    statements = parsed.get("Statement")
    if not isinstance(statements, list) or not statements:
        raise PolicyError("`Statement` must be a non-empty list")
    return TrustPolicy(
        document, tuple(_statement(raw, i) for i, raw in enumerate(statements, start=1))
    )
