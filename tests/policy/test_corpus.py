"""The conformance corpus: every case in tests/policy_corpus/*.json, decided by one test.

A case is `{"name", "policies": [{"name", "type", "document"}], "request": {"action",
"resource", "context"}, "expect": {"kind", "deciding": [[policy, index], ...]}}`, optionally with
`expect.failed`: `[[policy, index, key], ...]`, the conditions that must be reported as failed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fakes.policy import AuthRequest, PolicySource, compile_policy, evaluate

CORPUS = Path(__file__).resolve().parent.parent / "policy_corpus"
_CASE_KEYS = {"name", "policies", "request", "expect"}


def _cases() -> list[Any]:
    found = []
    for path in sorted(CORPUS.glob("*.json")):
        for case in json.loads(path.read_text()):
            found.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return found


CASES = _cases()


def test_the_corpus_is_big_enough_and_well_formed() -> None:
    assert len(CASES) >= 80
    names = [param.values[0]["name"] for param in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    for param in CASES:
        case = param.values[0]
        assert set(case) == _CASE_KEYS, case["name"]
        assert set(case["expect"]) <= {"kind", "deciding", "failed"}, case["name"]


@pytest.mark.parametrize("case", CASES)
def test_corpus_case(case: dict[str, Any]) -> None:
    policies = [
        (PolicySource(p["name"], p["type"]), compile_policy(p["document"]))
        for p in case["policies"]
    ]
    raw = case["request"]
    context = {key: tuple(values) for key, values in raw["context"].items()}
    decision = evaluate(policies, AuthRequest(raw["action"], raw["resource"], context))
    expect = case["expect"]
    assert decision.kind == expect["kind"], decision.explain()
    deciding = [[ref.policy.name, ref.index] for ref in decision.deciding]
    assert deciding == expect["deciding"], decision.explain()
    if "failed" in expect:
        failed = [
            [f.statement.policy.name, f.statement.index, f.key] for f in decision.failed_conditions
        ]
        assert failed == expect["failed"], decision.explain()
