"""Generated policies and names: the prover never contradicts the concrete engine.

For every witness the prover gives, the concrete engine allows that request; for every name the
concrete engine allows, the prover does not say "never"; and when it says "never" for root in
any letter case, the engine refuses each spelling tried."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakes.policy import OPERATORS, PolicySource, compile_policy, evaluate
from harness.prove import Verdict, run_as_any_case, run_as_exactly, run_as_other_than
from harness.prove.request import RUN_AS_ACTIONS, ConcreteRequest

ALPHABET = "rRoOtTsSyYmM01-_*?\u017f"
STRING_OPERATORS = sorted(name for name in OPERATORS if name.startswith("String"))
CONTEXT = {
    "acs:CurrentTime": ("2026-01-01T00:00:00Z",),
    "acs:SecureTransport": ("true",),
    "acs:SourceIp": ("192.0.2.7",),
    "acs:MFAPresent": ("false",),
}

values = st.lists(st.text(ALPHABET, min_size=1, max_size=5), min_size=1, max_size=3)
run_as_condition = st.tuples(st.sampled_from(STRING_OPERATORS), values).map(
    lambda pair: {pair[0]: {"ecs:CommandRunAs": pair[1]}}
)
typed_condition = st.sampled_from(
    [
        {"NumericLessThan": {"ecs:CommandRunAs": [10]}},
        {"Bool": {"acs:SecureTransport": ["true"]}},
        {"IpAddress": {"acs:SourceIp": ["192.0.2.0/24"]}},
        {"NotIpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}},
        {"DateLessThan": {"acs:CurrentTime": ["2030-01-01T00:00:00Z"]}},
        {"StringEquals": {"acs:Unsent": ["x"]}},
        {"StringNotEquals": {"acs:Unsent": ["x"]}},
    ]
)


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
        draw(st.sampled_from(["Action", "Action", "NotAction"])): draw(
            st.sampled_from(
                ["ecs:RunCommand", "ecs:InvokeCommand", "ecs:*", "*", "ECS:runcommand", "ecs:Desc*"]
            )
        ),
        "Resource": draw(
            st.sampled_from(
                ["*", "acs:ecs:*:*:instance/*", "acs:ecs:*:*:command/*", "acs:ecs:cn-*:*:*"]
            )
        ),
    }
    conditions: dict[str, Any] = {}
    for condition in draw(st.lists(st.one_of(run_as_condition, typed_condition), max_size=2)):
        for operator, body in condition.items():
            conditions.setdefault(operator, {}).update(body)
    if conditions:
        statement["Condition"] = conditions
    return statement


policy_sets = st.lists(st.lists(statements(), min_size=1, max_size=3), min_size=1, max_size=2)


def _compiled(sets: list[list[dict[str, Any]]]) -> list[Any]:
    return [
        (PolicySource(f"p{i}", "Custom"), compile_policy({"Version": "1", "Statement": s}))
        for i, s in enumerate(sets, start=1)
    ]


def _concretely_allowed(policies: list[Any], action: str, name: str) -> bool:
    request = ConcreteRequest(
        action, name, CONTEXT, "cn-hangzhou", "1234567890123456", "i-abc", "c-abc"
    )
    return all(evaluate(policies, auth).is_allowed for auth in request.auth_requests())


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    policy_sets,
    st.text(ALPHABET.replace("*", "").replace("?", ""), min_size=1, max_size=6),
    st.sampled_from(RUN_AS_ACTIONS),
)
def test_a_name_the_engine_allows_is_never_proved_refused(sets, name, action) -> None:
    policies = _compiled(sets)
    if _concretely_allowed(policies, action, name):
        assert run_as_exactly(policies, action, name).verdict is not Verdict.REFUSED


@SETTINGS
@given(policy_sets, st.sampled_from(RUN_AS_ACTIONS))
def test_every_witness_the_prover_gives_is_allowed_by_the_engine(sets, action) -> None:
    policies = _compiled(sets)
    answer = run_as_other_than(policies, action, ())
    if answer.verdict is Verdict.ALLOWED:
        assert answer.witness is not None
        for auth in answer.witness.request.auth_requests():
            assert evaluate(policies, auth).is_allowed, auth


@SETTINGS
@given(policy_sets, st.sampled_from(RUN_AS_ACTIONS))
def test_when_root_is_proved_refused_every_spelling_of_root_is_refused(sets, action) -> None:
    policies = _compiled(sets)
    if run_as_any_case(policies, action, "root").verdict is Verdict.REFUSED:
        for spelling in ("root", "ROOT", "Root", "rOoT"):
            assert not _concretely_allowed(policies, action, spelling)
