"""The guide's two `commandUserPolicy` documents decide exactly as the guide says they should."""

from __future__ import annotations

import pytest

from fakes.policy import CompiledPolicy, evaluate

from ._support import COMMAND, COMMAND_USER, READ_ONLY, run_as

GUIDE_ACTIONS = [
    "ecs:DescribeInstances",
    "ecs:DescribeTagKeys",
    "ecs:DescribeTags",
    "ecs:CreateCommand",
    "ecs:DescribeCommands",
    "ecs:InvokeCommand",
    "ecs:RunCommand",
    "ecs:DeleteCommand",
    "ecs:DescribeInvocations",
    "ecs:DescribeInvocationResults",
    "ecs:StopInvocation",
    "ecs:DescribeCloudAssistantStatus",
    "ecs:InstallCloudAssistant",
]


@pytest.mark.parametrize("user", ["user01", "user02"])
def test_regular_user_is_allowed_under_allow_list(allow_list: CompiledPolicy, user: str) -> None:
    decision = evaluate([(COMMAND_USER, allow_list)], run_as(user))
    assert decision.kind == "Allow"
    assert [(ref.policy.name, ref.index) for ref in decision.deciding] == [("commandUserPolicy", 1)]
    assert decision.explain() == "Allow: commandUserPolicy statement 1"


@pytest.mark.parametrize("user", ["root", "ROOT", "user03", "User01", "system"])
def test_root_is_refused_under_allow_list(allow_list: CompiledPolicy, user: str) -> None:
    decision = evaluate([(COMMAND_USER, allow_list)], run_as(user))
    assert decision.kind == "ImplicitDeny"
    assert not decision.is_allowed
    assert decision.deciding == ()
    (failure,) = decision.failed_conditions
    assert failure.operator == "StringEquals"
    assert failure.key == "ecs:CommandRunAs"
    assert failure.expected == ("user01", "user02")
    assert failure.actual == (user,)
    assert failure.reason == f"`ecs:CommandRunAs` is `{user}`, not one of `user01`, `user02`"


def test_missing_run_as_user_is_refused_under_allow_list(allow_list: CompiledPolicy) -> None:
    decision = evaluate([(COMMAND_USER, allow_list)], run_as(None))
    assert decision.kind == "ImplicitDeny"
    (failure,) = decision.failed_conditions
    assert failure.actual is None
    assert failure.reason == "the request carries no `ecs:CommandRunAs`"


def test_allow_list_refusal_explains_itself_in_one_line(allow_list: CompiledPolicy) -> None:
    decision = evaluate([(COMMAND_USER, allow_list)], run_as("root"))
    assert decision.explain() == (
        "ImplicitDeny: no statement allows `ecs:RunCommand` on "
        "`acs:ecs:cn-hangzhou:1234567890123456:instance/i-1`: commandUserPolicy statement 1: "
        "`ecs:CommandRunAs` is `root`, not one of `user01`, `user02`"
    )


@pytest.mark.parametrize("user", ["root", "ROOT", "Root", "system", "SYSTEM", "System"])
def test_root_and_system_are_refused_under_deny_list(deny_list: CompiledPolicy, user: str) -> None:
    decision = evaluate([(COMMAND_USER, deny_list)], run_as(user))
    assert decision.kind == "ImplicitDeny"  # an Allow with a negated condition, not a Deny
    (failure,) = decision.failed_conditions
    assert failure.operator == "StringNotEqualsIgnoreCase"
    assert failure.statement.effect == "Allow"
    excluded = "root" if user.lower() == "root" else "system"
    assert (
        failure.reason
        == f"`ecs:CommandRunAs` is `{user}`, excluded by `{excluded}` (ignoring case)"
    )


@pytest.mark.parametrize("user", ["user01", "user03", "rooty", "administrator"])
def test_any_other_user_is_allowed_under_deny_list(deny_list: CompiledPolicy, user: str) -> None:
    assert evaluate([(COMMAND_USER, deny_list)], run_as(user)).kind == "Allow"


def test_missing_run_as_user_is_allowed_under_deny_list(deny_list: CompiledPolicy) -> None:
    # A2: a negated operator holds when the request does not carry the key.
    assert evaluate([(COMMAND_USER, deny_list)], run_as(None)).kind == "Allow"


@pytest.mark.parametrize("action", GUIDE_ACTIONS)
def test_every_guide_action_is_covered_on_instances_and_commands(
    allow_list: CompiledPolicy, action: str
) -> None:
    for resource in ("acs:ecs:cn-hangzhou:1:instance/i-9", COMMAND):
        assert evaluate([(COMMAND_USER, allow_list)], run_as("user02", action, resource)).is_allowed


def test_guide_action_names_match_in_any_case(allow_list: CompiledPolicy) -> None:
    assert evaluate([(COMMAND_USER, allow_list)], run_as("user01", "ECS:runcommand")).is_allowed


def test_actions_outside_the_guide_list_are_refused(allow_list: CompiledPolicy) -> None:
    decision = evaluate([(COMMAND_USER, allow_list)], run_as("user01", "ecs:DeleteInstance"))
    assert decision.kind == "ImplicitDeny"
    assert decision.failed_conditions == ()
    assert decision.explain() == (
        "ImplicitDeny: no statement allows `ecs:DeleteInstance` on "
        "`acs:ecs:cn-hangzhou:1234567890123456:instance/i-1`"
    )


def test_resources_outside_instances_and_commands_are_refused(allow_list: CompiledPolicy) -> None:
    request = run_as("user01", resource="acs:ecs:cn-hangzhou:1:disk/d-1")
    decision = evaluate([(COMMAND_USER, allow_list)], request)
    assert decision.kind == "ImplicitDeny"
    (miss,) = decision.resource_misses
    assert miss.resources == ("acs:ecs:*:*:instance/*", "acs:ecs:*:*:command/*")
    assert decision.explain().endswith(
        ": commandUserPolicy statement 1 covers the action only on "
        "`acs:ecs:*:*:instance/*`, `acs:ecs:*:*:command/*`"
    )


def test_read_only_access_allows_describe_calls_without_a_run_as_user(
    allow_list: CompiledPolicy, read_only: CompiledPolicy
) -> None:
    policies = [(COMMAND_USER, allow_list), (READ_ONLY, read_only)]
    decision = evaluate(policies, run_as(None, "ecs:DescribeInvocationResults"))
    assert decision.kind == "Allow"
    assert decision.explain() == "Allow: AliyunECSReadOnlyAccess statement 1"


def test_read_only_access_does_not_allow_running_commands(
    allow_list: CompiledPolicy, read_only: CompiledPolicy
) -> None:
    policies = [(COMMAND_USER, allow_list), (READ_ONLY, read_only)]
    assert evaluate(policies, run_as("root")).kind == "ImplicitDeny"


def test_both_guide_policies_compile_to_one_statement_each(
    allow_list: CompiledPolicy, deny_list: CompiledPolicy
) -> None:
    for policy in (allow_list, deny_list):
        (statement,) = policy.statements
        assert statement.effect == "Allow"
        assert len(statement.actions.written) == len(GUIDE_ACTIONS)
        assert "ecs:runcommand" in statement.actions.exact
