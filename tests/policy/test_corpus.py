"""The conformance corpus: every case in tests/policy_corpus/*.json, decided by one test.

A case is `{"name", "policies": [{"name", "type", "document"}], "request": {"action",
"resource", "context"}, "expect": {"kind", "deciding": [[policy, index], ...]}}`, optionally with
`expect.failed`: `[[policy, index, key], ...]`, the conditions that must be reported as failed.

A layered case (groups, resource-group scopes, control policies) also has `control` (control
policies, evaluated first), `resource_group` (the group the request's resource is in), policies
with `scope` (a resource group; absent: account level) and `holder` (`User`, `Group`), and
`expect.policy_type`, the layer that decided (`AccessDeniedDetail.PolicyType`); it is decided by
`fakes.policy.decide`, RAM's evaluation order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fakes.policy import AuthRequest, PolicySet, PolicySource, compile_policy, decide, evaluate

CORPUS = Path(__file__).resolve().parent.parent / "policy_corpus"
_CASE_KEYS = {"name", "policies", "request", "expect"}
_LAYERED_KEYS = {"control", "resource_group"}


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
        assert _CASE_KEYS <= set(case) <= _CASE_KEYS | _LAYERED_KEYS, case["name"]
        assert set(case["expect"]) <= {"kind", "deciding", "failed", "policy_type"}, case["name"]


@pytest.mark.parametrize("case", CASES)
def test_corpus_case(case: dict[str, Any]) -> None:
    policies = [
        (
            PolicySource(p["name"], p["type"], "v1", p.get("scope", ""), p.get("holder", "")),
            compile_policy(p["document"]),
        )
        for p in case["policies"]
    ]
    raw = case["request"]
    context = {key: tuple(values) for key, values in raw["context"].items()}
    request = AuthRequest(raw["action"], raw["resource"], context)
    expect = case["expect"]
    if "policy_type" in expect:
        control = [
            (PolicySource(p["name"], "ControlPolicy", "", "r-root"), compile_policy(p["document"]))
            for p in case.get("control", [])
        ]
        policy_set = PolicySet(policies, control if "control" in case else None)
        verdict = decide(policy_set, request, case.get("resource_group"))
        assert verdict.policy_type == expect["policy_type"], verdict.decision.explain()
        decision = verdict.decision
    else:
        decision = evaluate(policies, request)
    assert decision.kind == expect["kind"], decision.explain()
    deciding = [[ref.policy.name, ref.index] for ref in decision.deciding]
    assert deciding == expect["deciding"], decision.explain()
    if "failed" in expect:
        failed = [
            [f.statement.policy.name, f.statement.index, f.key] for f in decision.failed_conditions
        ]
        assert failed == expect["failed"], decision.explain()
