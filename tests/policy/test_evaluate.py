"""Evaluation: explicit Deny wins, then Allow, else ImplicitDeny; patterns decide what applies."""

from __future__ import annotations

import dataclasses

import pytest

from fakes.policy import AuthRequest, PolicySource, StatementRef, evaluate

from ._support import INSTANCE, allow, custom, deny

EVERYTHING = custom("everything", allow("*"))


def test_no_policies_means_implicit_deny() -> None:
    decision = evaluate([], AuthRequest("ecs:RunCommand", INSTANCE, {}))
    assert decision.kind == "ImplicitDeny"
    assert decision.effect == "Deny"
    assert decision.deciding == ()


def test_explicit_deny_wins_over_allow_in_another_policy() -> None:
    policies = [EVERYTHING, custom("guard", deny("ecs:RunCommand"))]
    decision = evaluate(policies, AuthRequest("ecs:RunCommand", INSTANCE, {}))
    assert decision.kind == "ExplicitDeny"
    assert decision.effect == "Deny"
    assert decision.deciding == (StatementRef(PolicySource("guard", "Custom"), 1, "Deny"),)
    assert decision.explain() == (
        "ExplicitDeny: `ecs:RunCommand` on `acs:ecs:cn-hangzhou:1234567890123456:instance/i-1` "
        "is denied by guard statement 1"
    )


def test_explicit_deny_wins_within_one_policy_whatever_the_order() -> None:
    for statements in ((allow(), deny()), (deny(), allow())):
        decision = evaluate([custom("p", *statements)], AuthRequest("ecs:RunCommand", INSTANCE, {}))
        assert decision.kind == "ExplicitDeny"


def test_every_allowing_statement_is_named_in_policy_order() -> None:
    policies = [custom("first", allow("ecs:Run*"), allow("ecs:*")), EVERYTHING]
    decision = evaluate(policies, AuthRequest("ecs:RunCommand", INSTANCE, {}))
    assert [str(ref) for ref in decision.deciding] == [
        "first statement 1",
        "first statement 2",
        "everything statement 1",
    ]
    assert decision.explain() == (
        "Allow: first statement 1, first statement 2, everything statement 1"
    )
    assert decision.failed_conditions == ()


def test_every_denying_statement_is_named() -> None:
    policies = [custom("a", deny("ecs:*")), custom("b", deny("*"))]
    decision = evaluate(policies, AuthRequest("ecs:RunCommand", INSTANCE, {}))
    assert [(r.policy.name, r.index, r.effect) for r in decision.deciding] == [
        ("a", 1, "Deny"),
        ("b", 1, "Deny"),
    ]


def test_the_policy_source_is_carried_into_the_decision() -> None:
    source = PolicySource("AliyunECSReadOnlyAccess", "System", "v3")
    policy = custom("ignored", allow("ecs:Describe*"))[1]
    decision = evaluate([(source, policy)], AuthRequest("ecs:DescribeInstances", INSTANCE, {}))
    assert decision.deciding[0].policy == source


@pytest.mark.parametrize(
    ("pattern", "action", "applies"),
    [
        ("ecs:RunCommand", "ecs:RunCommand", True),
        ("ecs:RunCommand", "ECS:RUNCOMMAND", True),
        ("ECS:runcommand", "ecs:RunCommand", True),
        ("ecs:Describe*", "ecs:DescribeInstances", True),
        ("ecs:Describe*", "ecs:describeinstances", True),
        ("ecs:Describe*", "ecs:RunCommand", False),
        ("ecs:*", "ecs:RunCommand", True),
        ("ecs:*", "ram:ListUsers", False),
        ("ecs:Run?ommand", "ecs:RunCommand", True),
        ("ecs:Run?ommand", "ecs:RunCCommand", False),
        ("*", "oos:GetSecretParameter", True),
        ("*:Describe*", "vpc:DescribeVpcs", True),
        ("ecs:RunCommand", "ecs:RunCommands", False),
    ],
)
def test_action_patterns_match_case_insensitively(pattern: str, action: str, applies: bool) -> None:
    decision = evaluate([custom("p", allow(pattern))], AuthRequest(action, INSTANCE, {}))
    assert decision.is_allowed is applies


def test_not_action_applies_to_every_other_action() -> None:
    statement = {"Effect": "Allow", "NotAction": ["ram:*", "ecs:Delete*"], "Resource": "*"}
    policies = [custom("p", statement)]
    assert evaluate(policies, AuthRequest("ecs:RunCommand", INSTANCE, {})).is_allowed
    assert not evaluate(policies, AuthRequest("ram:CreateUser", INSTANCE, {})).is_allowed
    assert not evaluate(policies, AuthRequest("ECS:deleteInstance", INSTANCE, {})).is_allowed


def test_not_action_in_a_deny_refuses_every_other_action() -> None:
    guard = {"Effect": "Deny", "NotAction": "ecs:Describe*", "Resource": "*"}
    policies = [EVERYTHING, custom("guard", guard)]
    assert evaluate(policies, AuthRequest("ecs:DescribeInstances", INSTANCE, {})).is_allowed
    assert evaluate(policies, AuthRequest("ecs:RunCommand", INSTANCE, {})).kind == "ExplicitDeny"


@pytest.mark.parametrize(
    ("pattern", "resource", "applies"),
    [
        ("*", "anything at all", True),
        ("acs:ecs:*:*:instance/*", "acs:ecs:cn-hangzhou:123:instance/i-1", True),
        ("acs:ecs:*:*:instance/*", "acs:ecs:cn-hangzhou:123:command/c-1", False),
        ("acs:ecs:*:*:instance/*", "acs:oos:cn-hangzhou:123:instance/i-1", False),
        ("acs:ecs:*:*:instance/*", "acs:ecs:cn-hangzhou:123:Instance/i-1", False),
        ("acs:ecs:*:*:instance/*", "acs:ecs:cn-hangzhou:123:instance/a:b/c", True),
        ("acs:ecs:*:*:instance/*", "not an arn", False),
        ("acs:ecs:*:*:instance/*", "arn:ecs:cn-hangzhou:123:instance/i-1", False),
        ("acs:ecs:cn-*:*:*", "acs:ecs:cn-beijing:1:instance/i-1", True),
        ("acs:ecs:cn-*:*:*", "acs:ecs:ap-southeast-1:1:instance/i-1", False),
        ("acs:ecs:cn-*:123:*", "acs:ecs:cn-x:123:instance/i-1", True),
        ("acs:ecs:cn-*:123:*", "acs:ecs:cn-x:999:123:instance/i-1", False),
        ("acs:ecs:*:123:instance/*", "acs:ecs:cn-hangzhou:999:instance/123:instance/i", False),
        ("acs:ecs:??-hangzhou:*:*", "acs:ecs:cn-hangzhou:1:disk/d", True),
        ("acs:ram::123:role/*", "acs:ram::123:role/ecs-role", True),
        ("acs:ram::123:role/*", "acs:ram:cn:123:role/ecs-role", False),
        ("acs:ecs:cn-hangzhou:123:instance/i-1", "acs:ecs:cn-hangzhou:123:instance/i-1", True),
        ("acs:ecs:cn-hangzhou:123:instance/i-1", "acs:ecs:cn-hangzhou:123:instance/I-1", False),
        ("acs:ecs:*:*:instance/[ab]", "acs:ecs:r:1:instance/a", False),
    ],
)
def test_resource_patterns_match_segment_by_segment_case_sensitively(
    pattern: str, resource: str, applies: bool
) -> None:
    decision = evaluate(
        [custom("p", allow(resource=pattern))], AuthRequest("ecs:RunCommand", resource, {})
    )
    assert decision.is_allowed is applies


def test_a_statement_applies_when_any_listed_resource_matches() -> None:
    resources = ["acs:ecs:*:*:disk/*", "acs:ecs:*:*:instance/*"]
    decision = evaluate(
        [custom("p", allow(resource=resources))], AuthRequest("ecs:RunCommand", INSTANCE, {})
    )
    assert decision.is_allowed


def test_resource_misses_are_reported_for_refusals_only() -> None:
    policies = [custom("p", allow(resource="acs:ecs:*:*:disk/*")), custom("q", allow("ecs:Run*"))]
    allowed = evaluate(policies, AuthRequest("ecs:RunCommand", INSTANCE, {}))
    assert allowed.resource_misses == ()
    refused = evaluate(policies[:1], AuthRequest("ecs:RunCommand", INSTANCE, {}))
    assert [str(miss.statement) for miss in refused.resource_misses] == ["p statement 1"]


def test_decisions_and_their_parts_are_immutable() -> None:
    decision = evaluate([EVERYTHING], AuthRequest("ecs:RunCommand", INSTANCE, {}))
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision.kind = "ImplicitDeny"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision.deciding[0].index = 2  # type: ignore[misc]


def test_the_request_is_kept_in_the_decision() -> None:
    request = AuthRequest("ecs:RunCommand", INSTANCE, {"ecs:CommandRunAs": ("root",)})
    assert evaluate([EVERYTHING], request).request is request


def test_policy_source_version_defaults_to_v1() -> None:
    assert PolicySource("p", "Custom").version == "v1"
