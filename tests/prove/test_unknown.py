"""When z3 cannot decide within the time limit the answer is UNKNOWN, never a guess."""

from __future__ import annotations

import json

import pytest

from fakes.policy import PolicySource, compile_policy
from harness.prove import Verdict, run_as_any_case
from harness.prove.cli import main

# Globs that overlap every way they can: the Allow and the Deny sets differ by a sliver the
# solver must find by case analysis over many `*` and `?` placements.
PATTERNS = [f"*{a}?{b}*{a}*?{b}?*" for a in "ro" for b in "ot"] + ["*?r?o?o?t?*", "?*t*o*o*r*?"]
PATHOLOGICAL = {
    "Version": "1",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "ecs:RunCommand",
            "Resource": "*",
            "Condition": {"StringLike": {"ecs:CommandRunAs": PATTERNS}},
        },
        {
            "Effect": "Deny",
            "Action": "ecs:RunCommand",
            "Resource": "*",
            "Condition": {"StringNotLike": {"ecs:CommandRunAs": PATTERNS[::-1][:3]}},
        },
    ],
}


def test_a_pathological_glob_set_under_a_tiny_time_limit_is_unknown() -> None:
    policies = [(PolicySource("globs", "Custom"), compile_policy(PATHOLOGICAL))]
    answer = run_as_any_case(policies, "ecs:RunCommand", "root", limit_ms=1)
    assert answer.verdict is Verdict.UNKNOWN
    assert answer.witness is None
    assert answer.reason


def test_the_cli_reports_unknown_with_exit_3(tmp_path, monkeypatch, capsys) -> None:
    policy = tmp_path / "globs.json"
    policy.write_text(json.dumps(PATHOLOGICAL))
    monkeypatch.setenv("RUNAS_PROVE_TIMEOUT_MS", "1")
    assert main([str(policy), "--json"]) == 3
    body = json.loads(capsys.readouterr().out)
    assert body["verdict"] == "unknown"
    assert body["actions"]["ecs:RunCommand"]["verdict"] == "unknown"


@pytest.mark.parametrize("limit", ["0", "-5", "soon"])
def test_a_time_limit_that_is_no_number_falls_back_to_the_default(monkeypatch, limit) -> None:
    from harness.prove.solve import DEFAULT_TIMEOUT_MS, timeout_ms

    monkeypatch.setenv("RUNAS_PROVE_TIMEOUT_MS", limit)
    assert timeout_ms() == DEFAULT_TIMEOUT_MS
