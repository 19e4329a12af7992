"""The prover and the concrete engine agree on every case of the conformance corpus: each case's
request, fixed, decided through the z3 translation, gets the engine's decision."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fakes.policy import AuthRequest, PolicySource, compile_policy, evaluate
from harness.prove.solve import Verdict, decide

CORPUS = Path(__file__).resolve().parents[1] / "policy_corpus"


def _cases() -> list[Any]:
    return [
        pytest.param(case, id=f"{path.stem}: {case['name']}")
        for path in sorted(CORPUS.glob("*.json"))
        for case in json.loads(path.read_text())
    ]


@pytest.mark.parametrize("case", _cases())
def test_the_translation_decides_each_corpus_case_as_the_engine_does(case: dict[str, Any]) -> None:
    policies = [
        (PolicySource(p["name"], p["type"]), compile_policy(p["document"]))
        for p in case["policies"]
    ]
    raw = case["request"]
    context = {key: tuple(values) for key, values in raw["context"].items()}
    request = AuthRequest(raw["action"], raw["resource"], context)
    concrete = evaluate(policies, request)
    expected = Verdict.ALLOWED if concrete.is_allowed else Verdict.REFUSED
    assert decide(policies, request) is expected, concrete.explain()
