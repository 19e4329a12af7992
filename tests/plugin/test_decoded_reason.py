"""The typed decoded reason and the run-as rule, on DecodedDiagnosticMessage maps shaped as the
fake answers them (harness/refusals.py)."""

from __future__ import annotations

from harness.refusals import DecodedRefusal, helper_refused, judge, wrong_reason
from harness.sdk.gateway import Refusal

INSTANCE = "acs:ecs:cn-hangzhou:1:instance/i-1"


def _decoded(
    action: str = "ecs:RunCommand",
    *,
    explicit: bool = False,
    run_as: str | None = "root",
    policy_type: str = "AccountLevelIdentityBasedPolicy",
) -> DecodedRefusal:
    conditions = [{"ConditionKey": "acs:SourceIp", "ConditionValues": ["192.0.2.1"]}]
    if run_as is not None:
        conditions.append({"ConditionKey": "ecs:CommandRunAs", "ConditionValues": [run_as]})
    return DecodedRefusal.of(
        {
            "ExplicitDeny": explicit,
            "NoPermissionPolicyType": policy_type,
            "AuthAction": action,
            "AuthResource": INSTANCE,
            "AuthConditions": conditions,
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


# ---- what a real gateway's decode proves, and what it leaves assumed ----------------------


def test_an_implicit_deny_only_the_decode_tells_of_is_assumed_under_a90() -> None:
    reason = judge(_refusal(), _decoded(), "root", None)
    assert reason is not None
    assert (reason.standing, reason.assumption) == ("assumed", "A90")
    assert str(reason).startswith("assumed (assumption A90): no statement allowed it, taken to be")
    assert wrong_reason(_refusal(), _decoded(), "root", None) is None


def test_an_explicit_deny_of_the_run_as_action_is_proved() -> None:
    reason = judge(_refusal(), _decoded(explicit=True), "root", None)
    assert reason is not None
    assert (reason.standing, reason.assumption) == ("proved", "")
    assert str(reason).startswith("proved: a Deny refused it: `ecs:RunCommand`")


def test_a_near_miss_on_the_run_as_condition_is_proved_not_assumed() -> None:
    close = ["commandUserPolicy statement 1: `ecs:CommandRunAs` is `root`, not one of `user01`"]
    reason = judge(_refusal(), _decoded(), "root", close)
    assert reason is not None
    assert reason.standing == "proved"


def test_a_run_as_refusal_of_a_describe_action_is_wrong_even_on_a_real_gateway() -> None:
    reason = judge(_refusal(), _decoded("ecs:DescribeInstances", run_as=None), "root", None)
    assert reason is not None
    assert reason.standing == "wrong"
    assert reason.text.startswith("RAM refused `ecs:DescribeInstances`, not `ecs:RunCommand`")


def test_a_decode_whose_conditions_lack_command_run_as_is_wrong_even_on_a_real_gateway() -> None:
    reason = judge(_refusal(), _decoded(run_as=None, explicit=True), "root", None)
    assert reason is not None
    assert reason.standing == "wrong"
    assert reason.text.startswith("the decoded refusal carries no `ecs:CommandRunAs`")


def test_an_implicit_deny_by_the_control_policies_is_not_the_run_as_rule() -> None:
    reason = judge(_refusal(), _decoded(policy_type="ControlPolicy"), "root", None)
    assert reason is not None
    assert reason.standing == "wrong"
    assert reason.text.startswith("no ControlPolicy allows it, whatever the run-as user")


def test_a_refused_helper_call_names_itself_and_its_decoded_reason() -> None:
    refusal = _refusal("DescribeCommands")
    decoded = _decoded("ecs:DescribeCommands", run_as=None)
    line = helper_refused(refusal, decoded, before="InvokeCommand")
    assert line == (
        "the harness's own `DescribeCommands` call was refused before `InvokeCommand` was sent, "
        "so the run-as request was never made: `ecs:DescribeCommands` on "
        f"`{INSTANCE}`: an implicit deny (AccountLevelIdentityBasedPolicy)"
    )
    assert "\n" not in line
    assert helper_refused(refusal, None, before="InvokeCommand").endswith("Forbidden.RAM: no")


def test_a_refused_read_of_what_ran_says_what_cannot_be_checked() -> None:
    refusal = _refusal("DescribeInvocationResults")
    assert helper_refused(refusal, None) == (
        "the harness's own `DescribeInvocationResults` call was refused, so what ran cannot be "
        "checked: Forbidden.RAM: no"
    )


def test_a_deny_by_the_policy_the_scenario_expects_proves_the_reason() -> None:
    reason = judge(_refusal(), _decoded(explicit=True), "root", None, {"commandUserPolicy"})
    assert reason is not None
    assert reason.standing == "proved"
    assert reason.text.startswith("the expected policy's Deny refused it")


def test_a_deny_by_another_policy_than_the_one_expected_is_the_wrong_reason() -> None:
    expected = {"commandUserPolicy.side-doors-closed", "p-123"}
    reason = judge(_refusal(), _decoded(explicit=True), "root", None, expected)
    assert reason is not None
    assert reason.standing == "wrong"
    assert reason.text.startswith(
        "a Deny refused it, but not one from `commandUserPolicy.side-doors-closed`, `p-123`"
    )


def test_a_side_door_refused_for_its_own_action_is_the_right_reason() -> None:
    implicit = judge(_refusal("SendFile"), _decoded("ecs:SendFile", run_as=None), None, None)
    assert implicit is not None
    assert implicit.standing == "proved"
    assert implicit.text.startswith("no statement allows `ecs:SendFile`")
    explicit = _decoded("ecs:SendFile", run_as=None, explicit=True)
    reason = judge(_refusal("SendFile"), explicit, None, None, {"commandUserPolicy"})
    assert reason is not None
    assert reason.standing == "proved"


def test_a_side_door_refused_for_another_action_is_the_wrong_reason() -> None:
    decoded = _decoded("ecs:DescribeInstances", run_as=None)
    reason = judge(_refusal("StartTerminalSession"), decoded, None, None)
    assert reason is not None
    assert reason.standing == "wrong"
    assert reason.text.startswith(
        "RAM refused `ecs:DescribeInstances`, not `ecs:StartTerminalSession`"
    )
    assert wrong_reason(_refusal("AttachKeyPair"), decoded, None, None) is not None


def test_a_side_door_denied_by_another_policy_than_the_one_expected_is_the_wrong_reason() -> None:
    decoded = _decoded("ecs:SendFile", run_as=None, explicit=True)
    why = wrong_reason(_refusal("SendFile"), decoded, None, None, {"closeRootPaths"})
    assert why is not None
    assert why.startswith("a Deny refused it, but not one from `closeRootPaths`")


def test_attaching_a_role_may_be_refused_for_want_of_pass_role() -> None:
    decoded = _decoded("ram:PassRole", run_as=None)
    reason = judge(_refusal("AttachInstanceRamRole"), decoded, None, None)
    assert reason is not None
    assert reason.standing == "proved"
