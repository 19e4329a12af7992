"""The `*`/`?` glob matcher: every other character is literal, and the whole text must match."""

from __future__ import annotations

import pytest

from fakes.policy import Glob


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("*", "", True),
        ("*", "anything:at/all", True),
        ("**", "x", True),
        ("", "", True),
        ("", "a", False),
        ("abc", "abc", True),
        ("abc", "abcd", False),
        ("abc", "ab", False),
        ("abc", "ABC", False),
        ("a*", "a", True),
        ("a*", "abc", True),
        ("a*", "ba", False),
        ("*c", "abc", True),
        ("*c", "abcd", False),
        ("a*c", "ac", True),
        ("a*c", "abbbc", True),
        ("a*c", "abcb", False),
        ("a*b*c", "aXbYc", True),
        ("a*b*c", "acb", False),
        ("a**c", "abc", True),
        ("?", "a", True),
        ("?", "", False),
        ("?", "ab", False),
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("a?c", "abbc", False),
        ("??", "ab", True),
        ("*?", "", False),
        ("*?", "a", True),
        ("?*?", "ab", True),
        ("?*?", "a", False),
        ("a*?c", "abc", True),
        ("a*?c", "ac", False),
        ("*a?c*", "xxabcxx", True),
        ("*a?c*", "xxacxx", False),
        ("ab*ba", "aba", False),
        ("ab*ba", "abba", True),
        ("*aab", "aaab", True),
        ("*ab*ab*", "abab", True),
        ("*ab*ab*", "aba", False),
        ("[ab]", "[ab]", True),
        ("[ab]", "a", False),
        ("a.c", "abc", False),
        ("a.c", "a.c", True),
        ("^a$", "^a$", True),
        ("a+", "aa", False),
        ("(x)|y", "(x)|y", True),
        ("user\\*", "user\\x", True),
        ("i-*", "i-", True),
        ("i-??", "i-1", False),
    ],
)
def test_glob_matches_whole_text(pattern: str, text: str, expected: bool) -> None:
    assert Glob(pattern).matches(text) is expected


def test_brackets_are_literal_unlike_fnmatch() -> None:
    assert not Glob("instance/[ab]").matches("instance/a")
    assert Glob("instance/[ab]").matches("instance/[ab]")


def test_regex_metacharacters_are_literal() -> None:
    assert not Glob("ecs:Describe.*").matches("ecs:DescribeInstances")
    assert Glob("ecs:Describe.*").matches("ecs:Describe.Instances")


def test_question_mark_matches_exactly_one_character_even_a_colon_or_slash() -> None:
    assert Glob("a?b").matches("a:b")
    assert Glob("a?b").matches("a/b")


def test_star_spans_any_characters_including_newlines() -> None:
    assert Glob("a*b").matches("a\nb")


def test_matching_is_case_sensitive() -> None:
    assert not Glob("ecs:describe*").matches("ecs:DescribeInstances")


def test_only_wildcard_free_patterns_are_literal() -> None:
    assert Glob("ecs:RunCommand").is_literal
    assert not Glob("ecs:Run*").is_literal
    assert not Glob("ecs:Run?ommand").is_literal


def test_globs_compare_by_pattern() -> None:
    assert Glob("a*") == Glob("a*")
    assert hash(Glob("a*")) == hash(Glob("a*"))
    assert Glob("a*") != Glob("a?")
    assert repr(Glob("a*")) == "Glob('a*')"


def test_long_text_with_many_stars_is_linear_enough() -> None:
    pattern = "*a" * 20 + "*b"
    assert not Glob(pattern).matches("a" * 5000)
