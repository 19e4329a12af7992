"""`python -m harness prove`: exit codes, one-line errors, the JSON shape and SARIF locations."""

from __future__ import annotations

import json
import sys

import pytest

from fakes.policy import PolicyError, compile_policy
from harness.prove.cli import main
from tests import _children as children

from .conftest import FORMS, REPO

MALFORMED = (
    '{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ecs:RunCommand", '
    '"Resource": "*", "Condition": {"StringEqualz": {"ecs:CommandRunAs": "user01"}}}]}'
)


def test_a_malformed_policy_gets_createpolicys_reason_on_one_line(tmp_path, capsys) -> None:
    policy = tmp_path / "bad.json"
    policy.write_text(MALFORMED)
    with pytest.raises(PolicyError) as refused:
        compile_policy(MALFORMED)
    assert main([str(policy)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert str(refused.value) in captured.err  # what CreatePolicy says in MalformedPolicyDocument
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["NoSuchPolicy"], "no policy file or system policy `NoSuchPolicy`"),
        ([], "give at least one POLICY, or --account"),
        (["AliyunECSFullAccess", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["AliyunECSFullAccess", "--compare"], "--compare"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, arguments, words) -> None:
    assert main(arguments) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert words in err


def test_an_exposure_prints_the_witness_and_the_deciding_statement(capsys) -> None:
    assert main([str(FORMS["deny-list"]), "AliyunECSFullAccess"]) == 1
    out = capsys.readouterr().out
    assert "root, in any letter case: allowed as `root`, by AliyunECSFullAccess statement 1" in out
    assert out.rstrip().endswith("verdict: exposed")


def test_the_json_has_the_issues_shape(capsys) -> None:
    assert main([str(FORMS["allow-list"]), "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["verdict"] == "safe"
    assert set(body["actions"]) == {"ecs:RunCommand", "ecs:InvokeCommand"}
    for action in body["actions"].values():
        assert {"verdict", "witnesses", "statement"} <= set(action)
        assert action["allowed_names"] == {
            "names": ["user01", "user02"],
            "complete": True,
            "open": False,
        }


def test_refused_users_are_forbidden_in_any_letter_case(capsys) -> None:
    assert main([str(FORMS["deny-list"]), "--refused-users", "Admin", "--json"]) == 1
    body = json.loads(capsys.readouterr().out)
    witnesses = body["actions"]["ecs:RunCommand"]["witnesses"]
    assert [w.casefold() for w in witnesses] == ["admin"]


def test_sarif_puts_each_finding_on_the_statements_line(tmp_path, capsys) -> None:
    sarif = tmp_path / "out.sarif"
    code = main([str(FORMS["hardened"]), "--instance-users", "user01", "--sarif", str(sarif)])
    assert code == 1
    log = json.loads(sarif.read_text())
    assert log["version"] == "2.1.0"
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"reaches-root"}
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("commandUserPolicy.hardened.json")
    lines = FORMS["hardened"].read_text().splitlines()
    start = location["region"]["startLine"]
    assert lines[start - 1].strip() == "{"
    assert '"Effect": "Allow"' in lines[start]  # statement 1, the deny-list's Allow


def test_sarif_names_a_system_policy_logically(tmp_path, capsys) -> None:
    sarif = tmp_path / "out.sarif"
    assert main([str(FORMS["deny-list"]), "AliyunECSFullAccess", "--sarif", str(sarif)]) == 1
    result = json.loads(sarif.read_text())["runs"][0]["results"][0]
    assert result["ruleId"] == "forbidden-name"
    logical = result["locations"][0]["logicalLocations"][0]
    assert logical["name"] == "AliyunECSFullAccess statement 1"


def test_python_m_harness_prove_dispatches_to_the_prover() -> None:
    done = children.run(
        [sys.executable, "-m", "harness", "prove", str(FORMS["allow-list"])],
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert "names allowed: exactly `user01`, `user02`" in done.stdout
