"""Builders shared by the policy tests: the guide's policies, sources and requests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fakes.policy import AuthRequest, CompiledPolicy, PolicySource, compile_policy

REPO = Path(__file__).resolve().parents[2]
GUIDE_POLICIES = REPO / "features" / "policies"
INSTANCE = "acs:ecs:cn-hangzhou:1234567890123456:instance/i-1"
COMMAND = "acs:ecs:cn-hangzhou:1234567890123456:command/c-1"
COMMAND_USER = PolicySource("commandUserPolicy", "Custom")
READ_ONLY = PolicySource("AliyunECSReadOnlyAccess", "System")
READ_ONLY_DOCUMENT = (
    '{"Version":"1","Statement":[{"Effect":"Allow","Action":["ecs:Describe*","ecs:List*"],'
    '"Resource":"*"}]}'
)


def guide_policy(flavour: str) -> CompiledPolicy:
    """The guide's `commandUserPolicy`, `allowlist` or `denylist` flavour."""
    return compile_policy((GUIDE_POLICIES / f"commandUserPolicy.{flavour}.json").read_text())


def run_as(
    user: str | None, action: str = "ecs:RunCommand", resource: str = INSTANCE
) -> AuthRequest:
    """A Cloud Assistant request carrying `ecs:CommandRunAs` (or, for None, not carrying it)."""
    context = {} if user is None else {"ecs:CommandRunAs": (user,)}
    return AuthRequest(action, resource, context)


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    """A version-1 policy document holding these statements."""
    return {"Version": "1", "Statement": list(statements)}


def allow(
    action: str | list[str] = "ecs:RunCommand",
    resource: str | list[str] = "*",
    condition: dict[str, Any] | None = None,
    effect: str = "Allow",
) -> dict[str, Any]:
    """One statement; `effect="Deny"` for a denying one."""
    statement: dict[str, Any] = {"Effect": effect, "Action": action, "Resource": resource}
    if condition is not None:
        statement["Condition"] = condition
    return statement


def deny(
    action: str | list[str] = "ecs:RunCommand",
    resource: str | list[str] = "*",
    condition: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One denying statement."""
    return allow(action, resource, condition, effect="Deny")


def custom(name: str, *statements: dict[str, Any]) -> tuple[PolicySource, CompiledPolicy]:
    """A compiled custom policy named `name`, ready for `evaluate`."""
    return PolicySource(name, "Custom"), compile_policy(document(*statements))
