"""When z3 cannot decide within the time limit the answer is UNKNOWN, never a guess."""

from __future__ import annotations

import json
import random

import pytest

from fakes.policy import PolicySource, compile_policy
from harness.prove import Verdict, run_as_any_case
from harness.prove.cli import main

# Globs that overlap every way they can, on the instance's ARN (its id is free): 24 Allow and
# 24 Deny globs of 32 characters drawn from `*`, `?`, `a` and `b` (a fixed draw). z3 cannot
# decide whether some instance is allowed and not denied within 10 s (the default time limit;
# measured: unknown at 2 s and at 10 s), so a 1 ms limit leaves it unknown however loaded the
# machine is. (The earlier set, eight globs on the name, z3 solved in about 10 ms: a starved
# timer let it finish.)
_DRAW = random.Random(5)
_ARN = "acs:ecs:*:*:instance/i-"


def _globs(count: int) -> list[str]:
    return [_ARN + "".join(_DRAW.choice("*?ab?*a") for _ in range(32)) for _ in range(count)]


PATHOLOGICAL = {
    "Version": "1",
    "Statement": [
        {"Effect": "Allow", "Action": "ecs:RunCommand", "Resource": _globs(24)},
        {"Effect": "Deny", "Action": "ecs:RunCommand", "Resource": _globs(24)},
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
