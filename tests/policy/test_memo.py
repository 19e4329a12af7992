"""`DecisionMemo`: a fixed policy set's Allows remembered, keyed on exactly what a decision
reads; it answers as `decide` does, holds a bounded number of answers, and never remembers a
refusal."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fakes.policy import AuthRequest, DecisionMemo, PolicySet, PolicySource, compile_policy, decide

from ._support import COMMAND, COMMAND_USER, INSTANCE, allow, deny, document, guide_policy

UNTIL = "2024-01-01T00:00:00Z"


def _guide_set() -> PolicySet:
    return PolicySet([(COMMAND_USER, guide_policy("allowlist"))])


def _at(time: str, user: str = "user01") -> AuthRequest:
    return AuthRequest(
        "ecs:RunCommand", INSTANCE, {"ecs:CommandRunAs": (user,), "acs:CurrentTime": (time,)}
    )


def test_a_key_the_policies_do_not_name_does_not_split_the_memo() -> None:
    memo = DecisionMemo(_guide_set())
    assert memo.refusal(_at("2024-01-01T00:00:01Z"), None) is None
    assert memo.refusal(_at("2024-01-01T00:00:02Z"), None) is None
    assert len(memo) == 1


def test_a_key_the_policies_name_is_part_of_the_question() -> None:
    until = compile_policy(document(allow(condition={"DateLessThan": {"acs:CurrentTime": UNTIL}})))
    memo = DecisionMemo(PolicySet([(PolicySource("until", "Custom"), until)]))
    assert memo.refusal(_at("2023-12-31T23:59:59Z"), None) is None
    refused = memo.refusal(_at("2024-01-01T00:00:01Z"), None)
    assert refused is not None
    assert refused.decision.kind == "ImplicitDeny"


def test_a_refusal_is_evaluated_afresh_and_explains_the_request_asked() -> None:
    memo = DecisionMemo(_guide_set())
    first, second = _at("2024-01-01T00:00:01Z", "root"), _at("2024-01-01T00:00:02Z", "root")
    refused = [memo.refusal(first, None), memo.refusal(second, None)]
    assert [v.decision.request if v else None for v in refused] == [first, second]
    assert len(memo) == 0


def test_a_key_named_in_another_case_is_read_as_the_condition_reads_it() -> None:
    memo = DecisionMemo(_guide_set())
    shouted = AuthRequest("ECS:RUNCOMMAND", INSTANCE, {"ECS:COMMANDRUNAS": ("root",)})
    assert memo.refusal(AuthRequest("ecs:RunCommand", INSTANCE, {}), None) is not None
    assert memo.refusal(shouted, None) is not None
    quiet = AuthRequest("ECS:RUNCOMMAND", INSTANCE, {"ecs:commandrunas": ("user01",)})
    assert memo.refusal(quiet, None) is None


def test_the_memo_holds_at_most_its_limit() -> None:
    memo = DecisionMemo(
        PolicySet([(PolicySource("all", "Custom"), compile_policy(document(allow("ecs:*"))))]),
        limit=8,
    )
    for n in range(100):
        assert memo.refusal(AuthRequest("ecs:RunCommand", f"{INSTANCE}{n}", {}), None) is None
        assert len(memo) <= 8


_SET = PolicySet(
    [
        (COMMAND_USER, guide_policy("allowlist")),
        (
            PolicySource("guard", "Custom"),
            compile_policy(
                document(
                    deny(
                        resource="acs:ecs:*:*:instance/i-2",
                        condition={"StringLike": {"ecs:CommandRunAs": "user0*"}},
                    )
                )
            ),
        ),
        (
            PolicySource("scoped", "System", scope="rg-prod"),
            compile_policy(document(allow(["ecs:RunCommand", "ecs:DescribeInstances"]))),
        ),
    ]
)
_REQUESTS = st.builds(
    lambda action, resource, user: AuthRequest(
        action, resource, {} if user is None else {"ecs:CommandRunAs": (user,)}
    ),
    st.sampled_from(["ecs:RunCommand", "ecs:runcommand", "ecs:DescribeInstances", "ram:GetUser"]),
    st.sampled_from([INSTANCE, INSTANCE.replace("i-1", "i-2"), COMMAND, "*"]),
    st.sampled_from([None, "user01", "user02", "root", "User01"]),
)


@settings(max_examples=200)
@given(st.lists(st.tuples(_REQUESTS, st.sampled_from([None, "rg-prod", "rg-dev"])), max_size=30))
def test_the_memo_answers_every_question_as_decide_does(
    asked: list[tuple[AuthRequest, str | None]],
) -> None:
    memo = DecisionMemo(_SET, limit=4)
    for request, group in asked:
        expected = decide(_SET, request, group)
        verdict = memo.refusal(request, group)
        assert (verdict is None) == expected.is_allowed
        if verdict is not None:
            assert verdict == expected
