"""What compiles: the accepted shapes, and what the compiled form keeps."""

from __future__ import annotations

import json

from fakes.policy import AuthRequest, PolicySource, compile_policy, evaluate

from ._support import INSTANCE, allow, document


def test_the_original_text_is_kept() -> None:
    text = (
        '{ "Version": "1", "Statement": [ {"Effect": "Allow", "Action": "*", "Resource": "*"} ] }'
    )
    assert compile_policy(text).text == text


def test_a_mapping_is_kept_as_equivalent_json_text() -> None:
    raw = document(allow())
    assert json.loads(compile_policy(raw).text) == raw


def test_a_sid_is_accepted_and_kept() -> None:
    raw = document({**allow(), "Sid": "RunAsRegularUsers"})
    assert compile_policy(raw).statements[0].sid == "RunAsRegularUsers"


def test_single_strings_and_lists_are_both_accepted() -> None:
    single = compile_policy(document(allow("ecs:RunCommand", "*")))
    listed = compile_policy(document(allow(["ecs:RunCommand"], ["*"])))
    assert single.statements[0].actions.exact == listed.statements[0].actions.exact


def test_actions_are_lower_cased_once_at_compile_time() -> None:
    (statement,) = compile_policy(document(allow(["ECS:RunCommand", "ecs:Describe*"]))).statements
    assert statement.actions.exact == frozenset({"ecs:runcommand"})
    assert [glob.pattern for glob in statement.actions.globs] == ["ecs:describe*"]
    assert statement.actions.written == ("ECS:RunCommand", "ecs:Describe*")


def test_statements_are_numbered_from_one() -> None:
    policy = compile_policy(document(allow(), allow(effect="Deny")))
    assert [(s.index, s.effect, s.is_deny) for s in policy.statements] == [
        (1, "Allow", False),
        (2, "Deny", True),
    ]


def test_conditions_keep_operator_key_and_values_as_written() -> None:
    condition = {"NumericLessThan": {"acs:N": [1, "2.50"]}, "Bool": {"acs:B": True}}
    (statement,) = compile_policy(document(allow(condition=condition))).statements
    assert [(c.operator, c.key, c.expected) for c in statement.conditions] == [
        ("NumericLessThan", "acs:N", ("1", "2.50")),
        ("Bool", "acs:B", ("true",)),
    ]


def test_a_compiled_policy_is_reusable_across_requests() -> None:
    policy = compile_policy(document(allow("ecs:Describe*")))
    source = PolicySource("p", "Custom")
    for action, allowed in [("ecs:DescribeA", True), ("ecs:RunCommand", False)] * 3:
        assert evaluate([(source, policy)], AuthRequest(action, INSTANCE, {})).is_allowed is allowed


def test_compiling_the_same_document_twice_gives_equal_policies() -> None:
    raw = document(allow(condition={"StringEquals": {"acs:K": "a"}}))
    assert compile_policy(raw) == compile_policy(raw)


def test_an_ip_condition_accepts_addresses_and_blocks_of_both_families() -> None:
    condition = {"IpAddress": {"acs:SourceIp": ["10.0.0.1", "192.168.0.0/16", "2001:db8::/32"]}}
    assert compile_policy(document(allow(condition=condition))).statements[0].conditions
