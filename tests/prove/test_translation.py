"""The pieces of the translation, each held to the concrete engine's own functions."""

from __future__ import annotations

import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from fakes.policy import OPERATORS, Glob, PolicySource, compile_policy
from harness.prove import Verdict, run_as_any_case, strings
from harness.prove.encode import COMPARISONS
from harness.prove.sources import statement_lines

LETTERS = st.text(st.sampled_from("rRoOtTsSkK\u017f\u212a\u00df\u1e9e?*-"), max_size=6)


def _holds(term: z3.BoolRef) -> bool:
    value = z3.simplify(term)
    if z3.is_true(value) or z3.is_false(value):
        return z3.is_true(value)
    solver = z3.Solver()
    solver.add(z3.Not(term))
    return solver.check() == z3.unsat


@settings(max_examples=60, deadline=None)
@given(LETTERS, LETTERS)
def test_a_letter_case_family_is_exactly_what_casefold_calls_equal(name, listed) -> None:
    family = strings.preimage(listed.casefold())
    inside = _holds(z3.InRe(strings.literal(name), family))
    assert inside == (name.casefold() == listed.casefold())


@settings(max_examples=60, deadline=None)
@given(LETTERS, LETTERS)
def test_a_glob_is_the_regex_that_matches_what_the_engines_glob_matches(text, pattern) -> None:
    assert _holds(z3.InRe(strings.literal(text), strings.glob(pattern))) == Glob(pattern).matches(
        text
    )


def test_every_code_point_that_changes_case_is_within_the_table_z3_can_hold() -> None:
    for point in range(0x1F000, 0x110000):
        char = chr(point)
        assert char.casefold() == char, hex(point)
        assert char.lower() == char, hex(point)


def test_backslashes_and_escapes_in_policy_values_stay_literal() -> None:
    text = "a\\u{41}\\x"
    assert _holds(z3.Length(strings.literal(text)) == len(text))


def test_every_operator_the_engine_knows_has_a_translation() -> None:
    assert set(COMPARISONS) == set(OPERATORS)


def test_a_value_beyond_z3s_characters_makes_the_answer_unknown() -> None:
    document = {
        "Version": "1",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "ecs:RunCommand",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"ecs:CommandRunAs": ["\U000e0072oot"]}},
            }
        ],
    }
    policies = [(PolicySource("p", "Custom"), compile_policy(document))]
    answer = run_as_any_case(policies, "ecs:RunCommand", "root")
    assert answer.verdict is Verdict.UNKNOWN
    assert "z3 cannot hold" in answer.reason


def test_statement_lines_are_where_each_statement_opens() -> None:
    text = (
        '{\n "Version": "1",\n "Statement": [\n  {"Effect": "Allow"},\n\n'
        '  {"Statement": [1]}\n ]\n}'
    )
    assert statement_lines(text) == {1: 4, 2: 6}
