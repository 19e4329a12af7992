"""Every way a document is refused, each with the exact one-line message a person will read."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fakes.policy import PolicyError, compile_policy

from ._support import allow, document

_DROP = object()
ARN_SHAPE = "is not `*` or `acs:<service>:<region>:<account>:<relative-id>`"
ACTION_SHAPE = "is not `*` or `<service>:<action>`"
SCALARS = "values must be strings, numbers or booleans"


def _with(**changes: Any) -> dict[str, Any]:
    """The one-statement document `allow()` with some elements changed (or `_DROP`ped)."""
    statement: dict[str, Any] = allow()
    for key, value in changes.items():
        if value is _DROP:
            del statement[key]
        else:
            statement[key] = value
    return document(statement)


def _when(operator: str, key: str, value: Any) -> dict[str, Any]:
    return _with(Condition={operator: {key: value}})


def _refusal(raw: Any) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        compile_policy(raw)
    return caught.value


TEXT_ERRORS = [
    pytest.param("", "expecting value at line 1 column 1", id="empty"),
    pytest.param(
        '{"Version": "1",',
        "expecting property name enclosed in double quotes at line 1 column 17",
        id="truncated",
    ),
    pytest.param('{"Version": NaN}', "`NaN` is not a number", id="nan"),
    pytest.param('{"Version": -Infinity}', "`-Infinity` is not a number", id="infinity"),
    pytest.param('{"Version": ' + "9" * 5000 + "}", "a number has too many digits", id="huge"),
]


@pytest.mark.parametrize(("text", "problem"), TEXT_ERRORS)
def test_text_that_is_not_json_is_refused(text: str, problem: str) -> None:
    error = _refusal(text)
    assert str(error) == f"document is not valid JSON: {problem}"
    assert error.statement is None


DOCUMENT_ERRORS = [
    pytest.param("[]", "document must be a JSON object, got a list", id="list"),
    pytest.param('"1"', "document must be a JSON object, got a string", id="string"),
    pytest.param(
        '{"Version": "1", "Version": "1"}', "document repeats the key `Version`", id="dup"
    ),
    pytest.param("[" * 100_000 + "]" * 100_000, "document is nested too deeply", id="deep"),
    pytest.param(
        {"Version": "1", "Statement": [allow()], "Id": "x"}, "unknown top-level key `Id`", id="id"
    ),
    pytest.param({"Statement": [allow()]}, "missing `Version`", id="no-version"),
    pytest.param(
        {"Version": "2012-10-17", "Statement": [allow()]},
        "`Version` must be `1`, got `2012-10-17`",
        id="aws-version",
    ),
    pytest.param(
        {"Version": 1, "Statement": [allow()]},
        "`Version` must be the string `1`, got a number",
        id="numeric-version",
    ),
    pytest.param({"Version": "1"}, "missing `Statement`", id="no-statement"),
    pytest.param(
        {"Version": "1", "Statement": allow()},
        "`Statement` must be a list, got an object",
        id="statement-object",
    ),
    pytest.param({"Version": "1", "Statement": []}, "`Statement` must not be empty", id="empty"),
]


@pytest.mark.parametrize(("raw", "message"), DOCUMENT_ERRORS)
def test_malformed_document_is_refused_with_its_reason(raw: Any, message: str) -> None:
    error = _refusal(raw)
    assert str(error) == message
    assert error.reason == message
    assert error.statement is None


STATEMENT_ERRORS = [
    pytest.param(_with(NotResource="*"), "unknown key `NotResource`", id="not-resource"),
    pytest.param(_with(effect="Allow"), "unknown key `effect`", id="lower-case-key"),
    pytest.param(
        _with(Principal={"RAM": ["acs:ram::1:root"]}),
        "`Principal` belongs in resource-based policies, not in an identity policy",
        id="principal",
    ),
    pytest.param(_with(Sid=7), "`Sid` must be a string, got a number", id="sid-number"),
    pytest.param(_with(Effect=_DROP), "missing `Effect`", id="no-effect"),
    pytest.param(
        _with(Effect="allow"), "`Effect` must be `Allow` or `Deny`, got `allow`", id="effect-case"
    ),
    pytest.param(
        _with(Effect=["Allow"]), "`Effect` must be `Allow` or `Deny`, got a list", id="effect-list"
    ),
    pytest.param(
        _with(NotAction="ecs:*"),
        "has both `Action` and `NotAction`; a statement takes one",
        id="action-and-not-action",
    ),
    pytest.param(_with(Action=_DROP), "missing `Action` or `NotAction`", id="no-action"),
    pytest.param(
        _with(Action=3),
        "`Action` must be a string or a list of strings, got a number",
        id="action-number",
    ),
    pytest.param(_with(Action=[]), "`Action` must not be an empty list", id="action-empty"),
    pytest.param(
        _with(Action=["ecs:RunCommand", None]),
        "`Action` entry 2 must be a string, got null",
        id="action-entry-null",
    ),
    pytest.param(_with(Action="RunCommand"), f"`Action` `RunCommand` {ACTION_SHAPE}", id="no-svc"),
    pytest.param(_with(Action="ecs:"), f"`Action` `ecs:` {ACTION_SHAPE}", id="no-name"),
    pytest.param(_with(Action="ecs:a:b"), f"`Action` `ecs:a:b` {ACTION_SHAPE}", id="two-colons"),
    pytest.param(_with(Action="ecs:a b"), f"`Action` `ecs:a b` {ACTION_SHAPE}", id="space"),
    pytest.param(
        document({"Effect": "Allow", "NotAction": "ram", "Resource": "*"}),
        f"`NotAction` `ram` {ACTION_SHAPE}",
        id="not-action-malformed",
    ),
    pytest.param(
        _with(Resource=_DROP),
        "missing `Resource`, which an identity policy requires",
        id="no-resource",
    ),
    pytest.param(
        _with(Resource={"arn": "*"}),
        "`Resource` must be a string or a list of strings, got an object",
        id="resource-object",
    ),
    pytest.param(_with(Resource=[]), "`Resource` must not be an empty list", id="resource-empty"),
    pytest.param(
        _with(Resource=["*", True]),
        "`Resource` entry 2 must be a string, got a boolean",
        id="resource-entry-bool",
    ),
    pytest.param(
        _with(Resource="acs:ecs:*:instance/*"),
        f"`Resource` `acs:ecs:*:instance/*` {ARN_SHAPE}",
        id="four-parts",
    ),
    pytest.param(
        _with(Resource="arn:aws:s3:::b"), f"`Resource` `arn:aws:s3:::b` {ARN_SHAPE}", id="aws-arn"
    ),
    pytest.param(
        _with(Resource="acs::*:*:i/*"), f"`Resource` `acs::*:*:i/*` {ARN_SHAPE}", id="no-s"
    ),
    pytest.param(
        _with(Resource="acs:ecs:*:*:"), f"`Resource` `acs:ecs:*:*:` {ARN_SHAPE}", id="no-id"
    ),
    pytest.param(_with(Resource="**"), f"`Resource` `**` {ARN_SHAPE}", id="star-star"),
    pytest.param(
        _with(Condition=[]), "`Condition` must be an object, got a list", id="condition-list"
    ),
    pytest.param(
        _when("StringEqualz", "acs:K", "a"),
        "unknown condition operator `StringEqualz`",
        id="unknown-operator",
    ),
    pytest.param(
        _when("stringequals", "acs:K", "a"),
        "unknown condition operator `stringequals`",
        id="operator-case",
    ),
    pytest.param(
        _when("StringEqualsIfExists", "acs:K", "a"),
        "unknown condition operator `StringEqualsIfExists`",
        id="if-exists",
    ),
    pytest.param(
        _when("Null", "acs:K", "true"), "unknown condition operator `Null`", id="null-operator"
    ),
    pytest.param(
        _when("ForAnyValue:StringEquals", "acs:K", "a"),
        "unknown condition operator `ForAnyValue:StringEquals`",
        id="for-any-value",
    ),
    pytest.param(
        _with(Condition={"StringEquals": ["a"]}),
        "`StringEquals` must map condition keys to values, got a list",
        id="operator-body-list",
    ),
    pytest.param(
        _with(Condition={"StringEquals": {}}),
        "`StringEquals` names no condition key",
        id="operator-body-empty",
    ),
    pytest.param(
        _when("StringEquals", "CommandRunAs", "a"),
        "`StringEquals`: condition key `CommandRunAs` is not `<service>:<name>`",
        id="key-without-service",
    ),
    pytest.param(
        _when("StringEquals", "acs:K", {"a": 1}),
        f"`StringEquals` `acs:K`: {SCALARS}, got an object",
        id="value-object",
    ),
    pytest.param(
        _when("StringEquals", "acs:K", None),
        f"`StringEquals` `acs:K`: {SCALARS}, got null",
        id="value-null",
    ),
    pytest.param(
        _when("StringEquals", "acs:K", [["a"]]),
        f"`StringEquals` `acs:K`: {SCALARS}, got a list",
        id="value-nested-list",
    ),
    pytest.param(
        _when("StringEquals", "acs:K", []),
        "`StringEquals` `acs:K`: no values listed",
        id="value-empty-list",
    ),
    pytest.param(
        _when("NumericLessThan", "acs:N", "ten"),
        "`NumericLessThan` `acs:N`: `ten` is not a number",
        id="numeric-word",
    ),
    pytest.param(
        _when("NumericEquals", "acs:N", True),
        "`NumericEquals` `acs:N`: `true` is not a number",
        id="numeric-bool",
    ),
    pytest.param(
        _when("NumericEquals", "acs:N", "NaN"),
        "`NumericEquals` `acs:N`: `NaN` is not a number",
        id="numeric-nan-string",
    ),
    pytest.param(
        _when("DateLessThan", "acs:T", "tomorrow"),
        "`DateLessThan` `acs:T`: `tomorrow` is not an ISO-8601 date",
        id="date-word",
    ),
    pytest.param(
        _when("DateGreaterThan", "acs:T", 1700000000),
        "`DateGreaterThan` `acs:T`: `1700000000` is not an ISO-8601 date",
        id="date-epoch",
    ),
    pytest.param(
        _when("Bool", "acs:B", "yes"), "`Bool` `acs:B`: `yes` is not `true` or `false`", id="bool"
    ),
    pytest.param(
        _when("Bool", "acs:B", 1), "`Bool` `acs:B`: `1` is not `true` or `false`", id="bool-number"
    ),
    pytest.param(
        _when("IpAddress", "acs:SourceIp", "10.0.0.300"),
        "`IpAddress` `acs:SourceIp`: `10.0.0.300` is not an IP address or CIDR block",
        id="ip-octet",
    ),
    pytest.param(
        _when("NotIpAddress", "acs:SourceIp", "10.0.0.0/33"),
        "`NotIpAddress` `acs:SourceIp`: `10.0.0.0/33` is not an IP address or CIDR block",
        id="ip-prefix",
    ),
    pytest.param(
        _when("IpAddress", "acs:SourceIp", 10),
        "`IpAddress` `acs:SourceIp`: `10` is not an IP address or CIDR block",
        id="ip-number",
    ),
]


@pytest.mark.parametrize(("raw", "reason"), STATEMENT_ERRORS)
def test_malformed_statement_is_refused_naming_the_statement(
    raw: dict[str, Any], reason: str
) -> None:
    error = _refusal(raw)
    assert str(error) == f"statement 1: {reason}"
    assert error.statement == 1
    assert error.reason == reason


@pytest.mark.parametrize(("raw", "reason"), STATEMENT_ERRORS)
def test_text_and_mapping_are_refused_alike(raw: dict[str, Any], reason: str) -> None:
    assert str(_refusal(json.dumps(raw))) == f"statement 1: {reason}"


def test_the_failing_statement_is_counted_from_one() -> None:
    error = _refusal(document(allow(), allow(), allow(effect="Maybe")))
    assert error.statement == 3
    assert str(error) == "statement 3: `Effect` must be `Allow` or `Deny`, got `Maybe`"


def test_a_statement_that_is_not_an_object_is_named() -> None:
    error = _refusal({"Version": "1", "Statement": [allow(), "x"]})
    assert str(error) == "statement 2: must be an object, got a string"


def test_the_first_problem_in_document_order_is_reported() -> None:
    error = _refusal(document(allow(effect="x"), allow(action="bad")))
    assert error.statement == 1


def test_messages_are_one_lower_case_line_without_a_final_period() -> None:
    params = TEXT_ERRORS + DOCUMENT_ERRORS + STATEMENT_ERRORS
    for param in params:
        message = str(param.values[1])
        assert "\n" not in message
        assert not message.endswith(".")
        assert message[0] == "`" or message[0].islower()


def test_a_value_with_a_newline_is_escaped_onto_one_line() -> None:
    error = _refusal(_with(Action="ecs:Run\nCommand"))
    assert str(error) == f"statement 1: `Action` `ecs:Run\\nCommand` {ACTION_SHAPE}"


def test_a_very_long_value_is_cut_short_in_the_message() -> None:
    error = _refusal(_with(Action="x" * 1000))
    assert len(str(error)) < 200
    assert "..." in str(error)


def test_a_mapping_with_a_non_string_key_is_refused() -> None:
    raw: dict[Any, Any] = {"Version": "1", "Statement": [allow()], 1: "x"}
    assert str(_refusal(raw)) == "unknown top-level key a number"


def test_a_mapping_with_a_non_finite_number_is_refused() -> None:
    error = _refusal(_when("NumericLessThan", "acs:N", float("nan")))
    assert error.reason == "`NumericLessThan` `acs:N`: `nan` is not a finite number"


def test_a_mapping_with_an_enormous_integer_is_refused() -> None:
    error = _refusal(_when("NumericLessThan", "acs:N", 10**5000))
    assert error.reason == "`NumericLessThan` `acs:N`: a number has too many digits"


def test_something_that_is_neither_text_nor_mapping_is_refused() -> None:
    error = _refusal(b"{}")
    assert str(error) == "document must be JSON text or a mapping, got `bytes`"


def test_a_policy_error_is_a_value_error() -> None:
    assert issubclass(PolicyError, ValueError)
