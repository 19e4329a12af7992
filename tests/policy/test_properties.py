"""Properties the engine must keep for any policy, checked with hypothesis.

Examples are drawn from a small universe of actions, resources and condition values so that
statements often match; `database=None` keeps hypothesis from writing into the tree.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakes.policy import AuthRequest, PolicyError, PolicySource, compile_policy, evaluate

from ._support import document

QUICK = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

ACTIONS = ["ecs:RunCommand", "ecs:DescribeInstances", "ecs:DeleteInstance", "ram:ListUsers"]
ACTION_PATTERNS = [*ACTIONS, "ecs:*", "*", "ecs:Describe*", "ECS:run?ommand", "ram:*"]
RESOURCES = [
    "acs:ecs:cn-hangzhou:1:instance/i-1",
    "acs:ecs:cn-hangzhou:1:command/c-1",
    "acs:ram::1:user/alice",
]
RESOURCE_PATTERNS = [
    *RESOURCES,
    "*",
    "acs:ecs:*:*:instance/*",
    "acs:ecs:*:*:*",
    "acs:ram::1:*",
    "acs:ecs:cn-*:?:command/*",
]
USERS = ["user01", "user02", "root", "ROOT", "System", "user*"]

_values = st.lists(st.sampled_from(USERS), min_size=1, max_size=3, unique=True)
_string_operator = st.sampled_from(
    [
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
    ]
)
_numeric_operator = st.sampled_from(
    ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericGreaterThanEquals"]
)
_condition = st.one_of(
    st.builds(lambda op, v: {op: {"ecs:CommandRunAs": v}}, _string_operator, _values),
    st.builds(
        lambda op, v: {op: {"acs:N": v}},
        _numeric_operator,
        st.lists(st.integers(-3, 3), min_size=1, max_size=3, unique=True),
    ),
    st.builds(lambda v: {"Bool": {"acs:SecureTransport": v}}, st.booleans()),
    st.builds(
        lambda op, v: {op: {"acs:SourceIp": v}},
        st.sampled_from(["IpAddress", "NotIpAddress"]),
        st.lists(st.sampled_from(["10.0.0.0/8", "10.1.0.0/16", "::1"]), min_size=1, unique=True),
    ),
)


@st.composite
def statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    chosen = effect if effect is not None else draw(st.sampled_from(["Allow", "Deny"]))
    element = draw(st.sampled_from(["Action", "Action", "NotAction"]))
    statement: dict[str, Any] = {
        "Effect": chosen,
        element: draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3)),
        "Resource": draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2)),
    }
    blocks = draw(st.lists(_condition, max_size=2))
    if blocks:
        merged: dict[str, Any] = {}
        for block in blocks:
            for operator, body in block.items():
                merged.setdefault(operator, {}).update(body)
        statement["Condition"] = merged
    return statement


_policy_sets = st.lists(st.lists(statements(), min_size=1, max_size=3), max_size=3)


@st.composite
def requests(draw: st.DrawFn) -> AuthRequest:
    context: dict[str, tuple[str, ...]] = {}
    if draw(st.booleans()):
        context["ecs:CommandRunAs"] = (draw(st.sampled_from(USERS)),)
    if draw(st.booleans()):
        context["acs:N"] = (str(draw(st.integers(-4, 4))),)
    if draw(st.booleans()):
        context["acs:SecureTransport"] = (draw(st.sampled_from(["true", "false"])),)
    if draw(st.booleans()):
        context["acs:SourceIp"] = (
            draw(st.sampled_from(["10.1.2.3", "10.2.0.1", "::1", "8.8.8.8"])),
        )
    action = draw(st.sampled_from(ACTIONS))
    return AuthRequest(action, draw(st.sampled_from(RESOURCES)), context)


def _decide(policy_set: list[list[dict[str, Any]]], request: AuthRequest) -> str:
    policies = [
        (PolicySource(f"p{i}", "Custom"), compile_policy(document(*statements)))
        for i, statements in enumerate(policy_set)
    ]
    return evaluate(policies, request).kind


@QUICK
@given(_policy_sets, requests(), statements(effect="Deny"), st.booleans())
def test_adding_a_deny_never_turns_a_refusal_into_an_allow(
    policy_set: list[list[dict[str, Any]]],
    request: AuthRequest,
    extra: dict[str, Any],
    same_policy: bool,
) -> None:
    before = _decide(policy_set, request)
    grown = [list(p) for p in policy_set]
    if same_policy and grown:
        grown[0].append(extra)
    else:
        grown.append([extra])
    after = _decide(grown, request)
    if before != "Allow":
        assert after != "Allow"
    if before == "ExplicitDeny":
        assert after == "ExplicitDeny"


@QUICK
@given(_policy_sets, requests(), statements(effect="Allow"))
def test_adding_an_allow_never_turns_an_allow_into_a_refusal(
    policy_set: list[list[dict[str, Any]]], request: AuthRequest, extra: dict[str, Any]
) -> None:
    before = _decide(policy_set, request)
    after = _decide([*policy_set, [extra]], request)
    if before == "Allow":
        assert after == "Allow"
    if before == "ExplicitDeny":
        assert after == "ExplicitDeny"  # an Allow cannot lift an explicit Deny


def _flip(value: Any) -> Any:
    return list(reversed(value)) if isinstance(value, list) else value


def _reversed_values(statement: dict[str, Any]) -> dict[str, Any]:
    flipped = {key: _flip(value) for key, value in statement.items()}
    if "Condition" in statement:
        flipped["Condition"] = {
            operator: {key: _flip(values) for key, values in reversed(body.items())}
            for operator, body in reversed(statement["Condition"].items())
        }
    return flipped


@QUICK
@given(_policy_sets, requests(), st.randoms(use_true_random=False))
def test_statement_and_value_order_never_change_the_decision(
    policy_set: list[list[dict[str, Any]]], request: AuthRequest, shuffler: Any
) -> None:
    reordered = [[_reversed_values(s) for s in statements] for statements in policy_set]
    for statements in reordered:
        shuffler.shuffle(statements)
    shuffler.shuffle(reordered)
    assert _decide(reordered, request) == _decide(policy_set, request)


_ascii_words = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", min_size=1
)


@QUICK
@given(_ascii_words, st.sampled_from([str.upper, str.lower, str.swapcase, str.title]))
def test_ignore_case_operators_ignore_case(listed: str, recase: Any) -> None:
    request = AuthRequest("ecs:RunCommand", RESOURCES[0], {"acs:K": (recase(listed),)})
    for operator, allowed in [
        ("StringEqualsIgnoreCase", True),
        ("StringNotEqualsIgnoreCase", False),
    ]:
        statement = {
            "Effect": "Allow",
            "Action": "*",
            "Resource": "*",
            "Condition": {operator: {"acs:K": listed}},
        }
        policy = compile_policy(document(statement))
        decision = evaluate([(PolicySource("p", "Custom"), policy)], request)
        assert decision.is_allowed is allowed


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["1", "Allow", "Deny", "*", "ecs:RunCommand", "StringEquals", "acs:K"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["Version", "Statement", "Effect", "Action", "NotAction", "Resource", "Condition"]
            )
            | st.text(max_size=8),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


def _refused_cleanly(raw: Any) -> None:
    """Compiling `raw` either succeeds or raises a one-line PolicyError, nothing else."""
    refusal: PolicyError | None = None
    try:
        compile_policy(raw)
    except PolicyError as error:
        refusal = error
    if refusal is not None:
        assert "\n" not in str(refusal)
        prefix = "" if refusal.statement is None else f"statement {refusal.statement}: "
        assert str(refusal) == prefix + refusal.reason


@QUICK
@given(_json)
def test_random_json_only_ever_raises_policy_error(raw: Any) -> None:
    _refused_cleanly(raw)
    _refused_cleanly(json.dumps(raw))


@QUICK
@given(st.lists(statements(), min_size=1, max_size=2), st.data())
def test_mutated_valid_documents_only_ever_raise_policy_error(
    valid: list[dict[str, Any]], data: st.DataObject
) -> None:
    raw = document(*valid)
    statement = data.draw(st.sampled_from(raw["Statement"]))
    key = data.draw(st.sampled_from(sorted(statement)))
    statement[key] = data.draw(_json)
    _refused_cleanly(raw)
    _refused_cleanly(json.dumps(raw))


@QUICK
@given(st.text(max_size=60))
def test_random_text_only_ever_raises_policy_error(text: str) -> None:
    _refused_cleanly(text)
