"""Condition operators: values OR, keys and operators AND, absent keys per A2, typed parsing."""

from __future__ import annotations

from typing import Any

import pytest

from fakes.policy import AuthRequest, Decision, evaluate

from ._support import INSTANCE, allow, custom, deny


def decide(condition: dict[str, Any], effect: str = "Allow", **carried: Any) -> Decision:
    """Evaluate one statement with `condition` against a request carrying `carried`.

    Keyword names spell `:` as `__`; a str value is one value, a tuple several.
    """
    context = {
        name.replace("__", ":"): (value,) if isinstance(value, str) else value
        for name, value in carried.items()
    }
    statement = allow(condition=condition, effect=effect)
    return evaluate([custom("p", statement)], AuthRequest("ecs:RunCommand", INSTANCE, context))


def holds(condition: dict[str, Any], **carried: Any) -> bool:
    return decide(condition, **carried).is_allowed


def reason(condition: dict[str, Any], **carried: Any) -> str:
    (failure,) = decide(condition, **carried).failed_conditions
    return failure.reason


# --- strings ----------------------------------------------------------------------------------


def test_string_equals_is_case_sensitive() -> None:
    assert holds({"StringEquals": {"acs:K": "abc"}}, acs__K="abc")
    assert not holds({"StringEquals": {"acs:K": "abc"}}, acs__K="ABC")


def test_listed_values_are_alternatives() -> None:
    assert holds({"StringEquals": {"acs:K": ["a", "b", "c"]}}, acs__K="b")


def test_a_single_value_means_the_same_as_a_one_item_list() -> None:
    for carried in ("a", "b"):
        single = holds({"StringEquals": {"acs:K": "a"}}, acs__K=carried)
        listed = holds({"StringEquals": {"acs:K": ["a"]}}, acs__K=carried)
        assert single is listed


def test_string_not_equals_holds_only_when_no_listed_value_equals() -> None:
    condition = {"StringNotEquals": {"acs:K": ["a", "b"]}}
    assert holds(condition, acs__K="c")
    assert not holds(condition, acs__K="b")
    assert holds(condition, acs__K="B")


def test_ignore_case_operators_ignore_case() -> None:
    assert holds({"StringEqualsIgnoreCase": {"acs:K": "Root"}}, acs__K="rOOT")
    assert not holds({"StringNotEqualsIgnoreCase": {"acs:K": "Root"}}, acs__K="rOOT")


def test_string_like_globs_case_sensitively() -> None:
    condition = {"StringLike": {"acs:K": ["user*", "adm?n"]}}
    assert holds(condition, acs__K="user01")
    assert holds(condition, acs__K="admin")
    assert not holds(condition, acs__K="User01")
    assert not holds(condition, acs__K="administrator")


def test_string_not_like_refuses_a_matching_value() -> None:
    assert not holds({"StringNotLike": {"acs:SourceVpc": "vpc-*"}}, acs__SourceVpc="vpc-1")
    assert holds({"StringNotLike": {"acs:SourceVpc": "vpc-*"}}, acs__SourceVpc="classic")


def test_numbers_and_booleans_in_string_conditions_compare_as_text() -> None:
    assert holds({"StringEquals": {"acs:K": 5}}, acs__K="5")
    assert holds({"StringEquals": {"acs:K": True}}, acs__K="true")


# --- numbers, dates, booleans, addresses -----------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "listed", "carried", "expected"),
    [
        ("NumericEquals", 10, "10", True),
        ("NumericEquals", 10, "10.0", True),
        ("NumericEquals", "1e3", "1000", True),
        ("NumericEquals", 10, "11", False),
        ("NumericNotEquals", 10, "11", True),
        ("NumericNotEquals", 10, "10", False),
        ("NumericLessThan", 10, "9.99", True),
        ("NumericLessThan", 10, "10", False),
        ("NumericLessThanEquals", 10, "10", True),
        ("NumericLessThanEquals", 10, "10.5", False),
        ("NumericGreaterThan", -1, "0", True),
        ("NumericGreaterThan", -1, "-1", False),
        ("NumericGreaterThanEquals", 0.5, "0.5", True),
        ("NumericGreaterThanEquals", 0.5, "0.49", False),
    ],
)
def test_numeric_operators_compare_as_decimals(
    operator: str, listed: Any, carried: str, expected: bool
) -> None:
    assert holds({operator: {"acs:N": listed}}, acs__N=carried) is expected


@pytest.mark.parametrize(
    ("operator", "carried", "expected"),
    [
        ("DateEquals", "2024-01-01T08:00:00+08:00", True),
        ("DateEquals", "2024-01-01T00:00:01Z", False),
        ("DateNotEquals", "2024-01-01T00:00:01Z", True),
        ("DateLessThan", "2023-12-31T23:59:59Z", True),
        ("DateLessThan", "2024-01-01T00:00:00Z", False),
        ("DateLessThanEquals", "2024-01-01T00:00:00Z", True),
        ("DateGreaterThan", "2024-01-01T00:00:01Z", True),
        ("DateGreaterThan", "2024-01-01", False),
        ("DateGreaterThanEquals", "2024-01-01", True),
    ],
)
def test_date_operators_compare_instants(operator: str, carried: str, expected: bool) -> None:
    condition = {operator: {"acs:CurrentTime": "2024-01-01T00:00:00Z"}}
    assert holds(condition, acs__CurrentTime=carried) is expected


def test_a_date_without_a_zone_is_utc() -> None:
    condition = {"DateEquals": {"acs:CurrentTime": "2024-01-01T00:00:00"}}
    assert holds(condition, acs__CurrentTime="2024-01-01T00:00:00Z")


def test_bool_reads_true_and_false_in_any_case() -> None:
    assert holds({"Bool": {"acs:SecureTransport": True}}, acs__SecureTransport="True")
    assert holds({"Bool": {"acs:SecureTransport": "false"}}, acs__SecureTransport="FALSE")
    assert not holds({"Bool": {"acs:SecureTransport": "true"}}, acs__SecureTransport="false")


@pytest.mark.parametrize(
    ("listed", "carried", "inside"),
    [
        ("192.168.0.0/16", "192.168.3.4", True),
        ("192.168.0.0/16", "192.169.0.1", False),
        ("10.0.0.1", "10.0.0.1", True),
        ("10.0.0.1/8", "10.200.0.1", True),
        ("2001:db8::/32", "2001:db8::1", True),
        ("2001:db8::/32", "2001:db9::1", False),
        ("10.0.0.0/8", "::1", False),
    ],
)
def test_ip_address_tests_membership_for_ipv4_and_ipv6(
    listed: str, carried: str, inside: bool
) -> None:
    assert holds({"IpAddress": {"acs:SourceIp": listed}}, acs__SourceIp=carried) is inside
    assert holds({"NotIpAddress": {"acs:SourceIp": listed}}, acs__SourceIp=carried) is not inside


# --- absent keys (A2), key case (A20), unparseable values (A22), several values (A25) ---------


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("StringEquals", "a"),
        ("StringEqualsIgnoreCase", "a"),
        ("StringLike", "a*"),
        ("NumericEquals", 1),
        ("NumericLessThan", 1),
        ("NumericLessThanEquals", 1),
        ("NumericGreaterThan", 1),
        ("NumericGreaterThanEquals", 1),
        ("DateEquals", "2024-01-01"),
        ("DateLessThan", "2024-01-01"),
        ("DateLessThanEquals", "2024-01-01"),
        ("DateGreaterThan", "2024-01-01"),
        ("DateGreaterThanEquals", "2024-01-01"),
        ("Bool", True),
        ("IpAddress", "10.0.0.0/8"),
    ],
)
def test_positive_operators_fail_when_the_key_is_absent(operator: str, value: Any) -> None:
    assert not holds({operator: {"acs:K": value}})
    assert reason({operator: {"acs:K": value}}) == "the request carries no `acs:K`"


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("StringNotEquals", "a"),
        ("StringNotEqualsIgnoreCase", "a"),
        ("StringNotLike", "a*"),
        ("NumericNotEquals", 1),
        ("DateNotEquals", "2024-01-01"),
        ("NotIpAddress", "10.0.0.0/8"),
    ],
)
def test_negated_operators_hold_when_the_key_is_absent(operator: str, value: Any) -> None:
    assert holds({operator: {"acs:K": value}})


def test_an_empty_tuple_means_the_key_is_not_carried() -> None:
    assert not holds({"StringEquals": {"acs:K": "a"}}, acs__K=())
    assert holds({"StringNotEquals": {"acs:K": "a"}}, acs__K=())


def test_condition_key_names_match_in_any_case() -> None:
    assert holds({"StringEquals": {"ecs:commandrunas": "user01"}}, ecs__CommandRunAs="user01")
    assert holds({"StringEquals": {"ECS:COMMANDRUNAS": "user01"}}, ecs__commandRunAs="user01")
    assert not holds({"StringNotEquals": {"ecs:commandrunas": "root"}}, ecs__CommandRunAs="root")


@pytest.mark.parametrize(
    ("operator", "listed", "carried", "wanted"),
    [
        ("NumericEquals", 1, "one", "a number"),
        ("NumericNotEquals", 1, "one", "a number"),
        ("DateLessThan", "2024-01-01", "yesterday", "an ISO-8601 date"),
        ("DateNotEquals", "2024-01-01", "yesterday", "an ISO-8601 date"),
        ("Bool", True, "yes", "`true` or `false`"),
        ("IpAddress", "10.0.0.0/8", "10.0.0.0/24", "an IP address"),
        ("NotIpAddress", "10.0.0.0/8", "localhost", "an IP address"),
    ],
)
def test_an_unparseable_request_value_fails_either_polarity(
    operator: str, listed: Any, carried: str, wanted: str
) -> None:
    condition = {operator: {"acs:K": listed}}
    assert not holds(condition, acs__K=carried)
    assert reason(condition, acs__K=carried) == f"`acs:K` is `{carried}`, which is not {wanted}"


def test_several_request_values_need_one_match_for_positive_operators() -> None:
    assert holds({"StringEquals": {"acs:K": "b"}}, acs__K=("a", "b"))
    assert not holds({"StringEquals": {"acs:K": "c"}}, acs__K=("a", "b"))


def test_several_request_values_must_all_miss_for_negated_operators() -> None:
    assert holds({"StringNotEquals": {"acs:K": "c"}}, acs__K=("a", "b"))
    assert not holds({"StringNotEquals": {"acs:K": "b"}}, acs__K=("a", "b"))


def test_a_bare_string_context_value_is_read_as_one_value() -> None:
    request = AuthRequest("ecs:RunCommand", INSTANCE, {"acs:K": "abc"})  # type: ignore[dict-item]
    statement = allow(condition={"StringEquals": {"acs:K": "abc"}})
    assert evaluate([custom("p", statement)], request).is_allowed


# --- combining --------------------------------------------------------------------------------


def test_keys_under_one_operator_must_all_hold() -> None:
    condition = {"StringEquals": {"acs:A": "1", "acs:B": "2"}}
    assert holds(condition, acs__A="1", acs__B="2")
    assert not holds(condition, acs__A="1", acs__B="3")


def test_operators_in_one_block_must_all_hold() -> None:
    condition = {"StringEquals": {"acs:A": "1"}, "NumericLessThan": {"acs:B": 5}}
    assert holds(condition, acs__A="1", acs__B="4")
    assert not holds(condition, acs__A="1", acs__B="5")


def test_every_failing_condition_of_a_statement_is_reported() -> None:
    condition = {"StringEquals": {"acs:A": "1", "acs:B": "2"}, "Bool": {"acs:C": True}}
    decision = decide(condition, acs__A="0", acs__C="true")
    assert [(f.operator, f.key) for f in decision.failed_conditions] == [
        ("StringEquals", "acs:A"),
        ("StringEquals", "acs:B"),
    ]


def test_an_empty_condition_block_always_holds() -> None:
    assert holds({})


def test_a_deny_whose_condition_fails_does_not_apply_and_is_reported() -> None:
    policies = [
        custom("deny", deny(condition={"Bool": {"acs:SecureTransport": False}})),
        custom("allow", allow()),
    ]
    request = AuthRequest("ecs:RunCommand", INSTANCE, {"acs:SecureTransport": ("true",)})
    assert evaluate(policies, request).is_allowed
    refused = AuthRequest("ecs:DeleteInstance", INSTANCE, {"acs:SecureTransport": ("true",)})
    decision = evaluate(
        [custom("deny", deny("ecs:*", condition={"Bool": {"acs:SecureTransport": False}}))],
        refused,
    )
    (failure,) = decision.failed_conditions
    assert failure.statement.effect == "Deny"
    assert failure.reason == "`acs:SecureTransport` is `true`, not `false`"


# --- reasons ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "carried", "expected"),
    [
        ({"StringEquals": {"acs:K": "a"}}, "b", "`acs:K` is `b`, not `a`"),
        ({"StringEquals": {"acs:K": ["a", "c"]}}, "b", "`acs:K` is `b`, not one of `a`, `c`"),
        (
            {"StringEqualsIgnoreCase": {"acs:K": ["a", "c"]}},
            "b",
            "`acs:K` is `b`, not one of `a`, `c` (ignoring case)",
        ),
        ({"StringLike": {"acs:K": "a*"}}, "b", "`acs:K` is `b`, not like `a*`"),
        (
            {"StringLike": {"acs:K": ["a*", "c?"]}},
            "b",
            "`acs:K` is `b`, not like any of `a*`, `c?`",
        ),
        ({"StringNotLike": {"acs:K": ["a*", "b*"]}}, "bee", "`acs:K` is `bee`, excluded by `b*`"),
        ({"StringNotEquals": {"acs:K": "b"}}, "b", "`acs:K` is `b`, excluded by `b`"),
        ({"NumericLessThan": {"acs:K": 3}}, "4", "`acs:K` is `4`, not less than `3`"),
        ({"NumericLessThanEquals": {"acs:K": 3}}, "4", "`acs:K` is `4`, not at most `3`"),
        ({"NumericGreaterThan": {"acs:K": 3}}, "2", "`acs:K` is `2`, not more than `3`"),
        ({"NumericGreaterThanEquals": {"acs:K": 3}}, "2", "`acs:K` is `2`, not at least `3`"),
        ({"NumericEquals": {"acs:K": [1, 2.5]}}, "3", "`acs:K` is `3`, not one of `1`, `2.5`"),
        ({"NumericNotEquals": {"acs:K": 3}}, "3.0", "`acs:K` is `3.0`, excluded by `3`"),
        (
            {"DateLessThan": {"acs:K": "2024-01-01"}},
            "2025-01-01",
            "`acs:K` is `2025-01-01`, not before `2024-01-01`",
        ),
        (
            {"DateGreaterThanEquals": {"acs:K": "2024-01-01"}},
            "2023-01-01",
            "`acs:K` is `2023-01-01`, not at or after `2024-01-01`",
        ),
        ({"Bool": {"acs:K": True}}, "false", "`acs:K` is `false`, not `true`"),
        (
            {"IpAddress": {"acs:K": "10.0.0.0/8"}},
            "11.0.0.1",
            "`acs:K` is `11.0.0.1`, not in `10.0.0.0/8`",
        ),
        (
            {"NotIpAddress": {"acs:K": "10.0.0.0/8"}},
            "10.0.0.1",
            "`acs:K` is `10.0.0.1`, excluded by `10.0.0.0/8`",
        ),
        ({"StringEquals": {"acs:K": "a"}}, ("b", "c"), "`acs:K` carries `b`, `c`, not `a`"),
    ],
)
def test_a_failed_condition_says_why_in_one_line(
    condition: dict[str, Any], carried: Any, expected: str
) -> None:
    assert reason(condition, acs__K=carried) == expected


def test_a_reason_escapes_a_request_value_onto_one_line() -> None:
    assert reason({"StringEquals": {"acs:K": "a"}}, acs__K="x\ny") == "`acs:K` is `x\\ny`, not `a`"
