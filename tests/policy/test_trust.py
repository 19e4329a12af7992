"""Trust policies of RAM roles: parsed on their own grammar, and who they let assume the role."""

from __future__ import annotations

import json

import pytest

from fakes.policy import PolicyError, compile_trust_policy

ACCOUNT = "1234567890123456"
ECS_ROLE = json.dumps(
    {
        "Statement": [
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": ["ecs.aliyuncs.com"]},
            }
        ],
        "Version": "1",
    }
)


def _trust(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "1", "Statement": list(statements)})


def test_the_ecs_service_role_form_trusts_ecs_only() -> None:
    policy = compile_trust_policy(ECS_ROLE)
    assert policy.trusts_service("ecs.aliyuncs.com")
    assert policy.trusts_service("ECS.aliyuncs.com")  # service names are host names
    assert not policy.trusts_service("fc.aliyuncs.com")
    assert not policy.trusts_ram(f"acs:ram::{ACCOUNT}:user/commandUser", ACCOUNT)


def test_the_account_root_principal_trusts_every_identity_of_the_account() -> None:
    policy = compile_trust_policy(
        _trust(
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"RAM": [f"acs:ram::{ACCOUNT}:root"]},
            }
        )
    )
    assert policy.trusts_ram(f"acs:ram::{ACCOUNT}:user/commandUser", ACCOUNT)
    assert not policy.trusts_ram("acs:ram::999:user/commandUser", "999")
    assert not policy.trusts_service("ecs.aliyuncs.com")


def test_a_named_user_is_trusted_and_no_one_else() -> None:
    policy = compile_trust_policy(
        _trust(
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"RAM": f"acs:ram::{ACCOUNT}:user/alice"},
            }
        )
    )
    assert policy.trusts_ram(f"acs:ram::{ACCOUNT}:user/alice", ACCOUNT)
    assert not policy.trusts_ram(f"acs:ram::{ACCOUNT}:user/bob", ACCOUNT)


def test_a_deny_statement_wins_over_an_allow() -> None:
    allow = {
        "Action": "sts:AssumeRole",
        "Effect": "Allow",
        "Principal": {"RAM": [f"acs:ram::{ACCOUNT}:root"]},
    }
    deny = {
        "Action": "sts:AssumeRole",
        "Effect": "Deny",
        "Principal": {"RAM": [f"acs:ram::{ACCOUNT}:user/bob"]},
    }
    policy = compile_trust_policy(_trust(allow, deny))
    assert policy.trusts_ram(f"acs:ram::{ACCOUNT}:user/alice", ACCOUNT)
    assert not policy.trusts_ram(f"acs:ram::{ACCOUNT}:user/bob", ACCOUNT)


def test_conditions_in_a_trust_policy_are_evaluated() -> None:
    policy = compile_trust_policy(
        _trust(
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "ecs.aliyuncs.com"},
                "Condition": {"Bool": {"acs:SecureTransport": "true"}},
            }
        )
    )
    assert policy.trusts_service("ecs.aliyuncs.com", {"acs:SecureTransport": ("true",)})
    assert not policy.trusts_service("ecs.aliyuncs.com", {"acs:SecureTransport": ("false",)})


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            {"Action": "sts:AssumeRole", "Effect": "Allow"},
            "statement 1: missing `Principal`, which a trust policy requires",
        ),
        (
            {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Robot": ["x"]}},
            "statement 1: unknown principal type `Robot`",
        ),
        (
            {
                "Action": "ecs:RunCommand",
                "Effect": "Allow",
                "Principal": {"Service": "ecs.aliyuncs.com"},
            },
            "statement 1: a trust policy allows only `sts:AssumeRole`, got `ecs:RunCommand`",
        ),
        (
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "ecs.aliyuncs.com"},
                "Resource": "*",
            },
            "statement 1: a trust policy statement takes no `Resource`",
        ),
        (
            {
                "Action": "sts:AssumeRole",
                "Effect": "allow",
                "Principal": {"Service": "ecs.aliyuncs.com"},
            },
            "statement 1: `Effect` must be `Allow` or `Deny`, got `allow`",
        ),
        (
            {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"RAM": ["alice"]}},
            "statement 1: `Principal.RAM` entry `alice` is not a RAM ARN",
        ),
    ],
)
def test_malformed_trust_policies_are_refused_with_the_reason(
    statement: dict[str, object], message: str
) -> None:
    with pytest.raises(PolicyError) as refused:
        compile_trust_policy(_trust(statement))
    assert str(refused.value) == message


def test_an_identity_policy_is_not_a_trust_policy() -> None:
    identity = _trust({"Action": "ecs:*", "Effect": "Allow", "Resource": "*"})
    with pytest.raises(PolicyError, match="takes no `Resource`"):
        compile_trust_policy(identity)


def test_a_trust_policy_needs_version_1() -> None:
    with pytest.raises(PolicyError, match="`Version` must be `1`, got `2012-10-17`"):
        compile_trust_policy(ECS_ROLE.replace('"1"', '"2012-10-17"'))
