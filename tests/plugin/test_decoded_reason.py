"""The typed decoded reason and the run-as rule, on DecodedDiagnosticMessage maps shaped as the
fake answers them (harness/refusals.py)."""

from __future__ import annotations

from harness.refusals import DecodedRefusal, wrong_reason
from harness.sdk.gateway import Refusal

INSTANCE = "acs:ecs:cn-hangzhou:1:instance/i-1"


def _decoded(
    action: str = "ecs:RunCommand", *, explicit: bool = False, run_as: str = "root"
) -> DecodedRefusal:
    return DecodedRefusal.of(
        {
            "ExplicitDeny": explicit,
            "NoPermissionPolicyType": "AccountLevelIdentityBasedPolicy",
            "AuthAction": action,
            "AuthResource": INSTANCE,
            "AuthConditions": [{"ConditionKey": "ecs:CommandRunAs", "ConditionValues": [run_as]}],
            "MatchedPolicies": [
                {
                    "Effect": "Deny",
                    "PolicyIdentifier": "commandUserPolicy",
                    "PolicyType": "Custom",
                    "PolicyVersion": "v1",
                    "AttachedScope": "1",
                    "AttachedEntityType": "User",
                }
            ]
            if explicit
            else [],
        }
    )


def _refusal(action: str = "RunCommand") -> Refusal:
    return Refusal(action, "Forbidden.RAM", "no", 403, "r-1")


def test_an_explicit_deny_of_the_run_as_action_is_the_right_reason() -> None:
    decoded = _decoded(explicit=True)
    assert wrong_reason(_refusal(), decoded, "root", None) is None
    assert "Deny by Custom `commandUserPolicy` v1 at 1" in str(decoded)


def test_an_implicit_deny_whose_run_as_condition_failed_is_the_right_reason() -> None:
    close = ["commandUserPolicy statement 1: `ecs:CommandRunAs` is `root`, not one of `user01`"]
    assert wrong_reason(_refusal(), _decoded(), "root", close) is None


def test_an_implicit_deny_no_statement_came_close_to_is_another_reason() -> None:
    why = wrong_reason(_refusal(), _decoded(), "root", [])
    assert why is not None
    assert why.startswith("no statement allows it, whatever the run-as user")


def test_a_refusal_of_another_action_is_another_reason() -> None:
    why = wrong_reason(_refusal("InvokeCommand"), _decoded("ecs:DescribeCommands"), "root", None)
    assert why == (
        "RAM refused `ecs:DescribeCommands`, not `ecs:InvokeCommand`: `ecs:DescribeCommands` on "
        f"`{INSTANCE}`: an implicit deny (AccountLevelIdentityBasedPolicy), `ecs:CommandRunAs` "
        "`root`"
    )


def test_a_run_as_name_other_than_the_one_sent_is_another_reason() -> None:
    why = wrong_reason(_refusal(), _decoded(run_as="user01"), "root", None)
    assert why is not None
    assert why.startswith("`ecs:CommandRunAs` is `user01`, not the `root` sent")


def test_a_refusal_of_a_request_that_names_no_run_as_user_is_not_judged() -> None:
    assert wrong_reason(_refusal("DescribeInstances"), _decoded(), None, []) is None
