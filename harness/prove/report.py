"""A proof in words (the terminal), as one JSON object (`--json`), and as SARIF 2.1.0 (`--sarif`),
each finding on the line of the policy file where the statement that lets it through starts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fakes.policy import StatementRef
from harness.prove.questions import ActionProof, NameFinding, Proof
from harness.prove.solve import Answer, Verdict
from harness.prove.sources import LoadedPolicy

TOOL = "runas-harness prove"
RULES = {
    "forbidden-name": "a forbidden run-as name (root, system, or one refused) passes RAM",
    "reaches-root": "a run-as name that reaches root on the instance (a sudoer) passes RAM",
    "beyond-baseline": "the policies allow a run-as name that the baseline policies refuse",
    "unknown": "the solver could not decide within its time limit",
}


def _statements(answer: Answer) -> str | None:
    if answer.witness is None:
        return None
    return ", ".join(str(ref) for ref in answer.witness.statements) or None


def _answer_words(answer: Answer) -> str:
    if answer.verdict is Verdict.REFUSED:
        return "refused, whatever else the request carries"
    if answer.verdict is Verdict.UNKNOWN:
        return f"UNKNOWN ({answer.reason})"
    assert answer.witness is not None
    name = answer.witness.name
    shown = "with no name" if name is None else f"as `{name}`"
    return f"allowed {shown}, by {_statements(answer)}"


def _finding_label(finding: NameFinding) -> str:
    if finding.any_case:
        return f"{finding.name}, in any letter case"
    return f"{finding.name} ({finding.why})"


def text(proof: Proof, names: Sequence[str]) -> str:
    lines = [f"policies: {', '.join(names)}"]
    for action in proof.actions:
        lines.append(f"{action.action}: {action.verdict}")
        for finding in (*action.forbidden, *action.reach_root):
            lines.append(f"  {_finding_label(finding)}: {_answer_words(finding.answer)}")
        if action.beyond_baseline is not None:
            lines.append(f"  beyond the baseline: {_answer_words(action.beyond_baseline)}")
        unnamed = action.naming_no_user
        if unnamed.verdict is Verdict.ALLOWED:
            lines.append(
                f"  naming no user: if A1 is false (no `ecs:CommandRunAs` is sent), allowed by "
                f"{_statements(unnamed)}, and the command runs as root (Linux) or System (Windows)"
            )
        else:
            lines.append(f"  naming no user, if A1 is false: {_answer_words(unnamed)}")
        allowed = action.allowed
        listed = ", ".join(f"`{name}`" for name in allowed.names)
        if allowed.complete:
            lines.append(
                f"  names allowed: exactly {listed}" if listed else "  names allowed: none"
            )
        elif allowed.open:
            lines.append(
                f"  names allowed: no closed list: {listed} is allowed, longer than any value "
                "the policies name"
            )
        elif allowed.unknown:
            lines.append(f"  names allowed: {listed or 'UNKNOWN'}, and perhaps more")
        else:
            lines.append(f"  names allowed: more than {len(allowed.names)}, e.g. {listed}")
    lines.append(f"verdict: {proof.verdict}")
    return "\n".join(lines)


def _finding_json(question: str, name: str | None, answer: Answer) -> dict[str, Any]:
    witness = answer.witness
    return {
        "question": question,
        "name": name,
        "verdict": answer.verdict.value,
        "witness": None if witness is None else witness.name,
        "statement": _statements(answer),
        "reason": answer.reason or None,
    }


def _action_json(action: ActionProof) -> dict[str, Any]:
    findings = [
        _finding_json("forbidden-name" if f.any_case else "reaches-root", f.name, f.answer)
        for f in (*action.forbidden, *action.reach_root)
    ]
    if action.beyond_baseline is not None:
        findings.append(_finding_json("beyond-baseline", None, action.beyond_baseline))
    deciding = [
        _statements(f.answer)
        for f in (*action.forbidden, *action.reach_root)
        if f.answer.witness is not None
    ]
    if action.beyond_baseline is not None and action.beyond_baseline.witness is not None:
        deciding.append(_statements(action.beyond_baseline))
    return {
        "verdict": action.verdict,
        "witnesses": list(dict.fromkeys(w.name for w in action.witnesses if w.name is not None)),
        "statement": next((s for s in deciding if s), None),
        "findings": findings,
        "naming_no_user_if_a1_false": _finding_json("naming-no-user", None, action.naming_no_user),
        "allowed_names": {
            "names": list(action.allowed.names),
            "complete": action.allowed.complete,
            "open": action.allowed.open,
        },
    }


def as_json(proof: Proof) -> str:
    body = {
        "verdict": proof.verdict,
        "actions": {action.action: _action_json(action) for action in proof.actions},
    }
    return json.dumps(body, indent=2, ensure_ascii=False)


def _location(ref: StatementRef, policies: Sequence[LoadedPolicy]) -> dict[str, Any]:
    for policy in policies:
        if policy.source == ref.policy:
            line = policy.statement_line(ref.index)
            if policy.path is not None:
                region = {"startLine": line or 1}
                uri = policy.path.as_posix()
                if policy.path.is_absolute():
                    try:
                        uri = policy.path.relative_to(Path.cwd()).as_posix()
                    except ValueError:
                        uri = policy.path.as_uri()
                return {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
    kind = f"{ref.policy.type} policy"
    return {"logicalLocations": [{"name": str(ref), "fullyQualifiedName": str(ref), "kind": kind}]}


def _results(proof: Proof, policies: Sequence[LoadedPolicy]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for action in proof.actions:
        asked: list[tuple[str, str, Answer]] = [
            ("forbidden-name" if f.any_case else "reaches-root", _finding_label(f), f.answer)
            for f in (*action.forbidden, *action.reach_root)
        ]
        if action.beyond_baseline is not None:
            asked.append(("beyond-baseline", "a name the baseline refuses", action.beyond_baseline))
        for rule, label, answer in asked:
            if answer.verdict is Verdict.REFUSED:
                continue
            if answer.verdict is Verdict.UNKNOWN:
                message = f"{action.action} as {label}: UNKNOWN ({answer.reason})"
                results.append(
                    {"ruleId": "unknown", "level": "warning", "message": {"text": message}}
                )
                continue
            assert answer.witness is not None
            message = f"{action.action} as {label}: {_answer_words(answer)}"
            locations = [_location(ref, policies) for ref in answer.witness.statements]
            result: dict[str, Any] = {
                "ruleId": rule,
                "level": "error",
                "message": {"text": message},
                "locations": locations,
            }
            results.append(result)
    return results


def sarif(proof: Proof, policies: Sequence[LoadedPolicy]) -> str:
    rules = [
        {"id": rule, "name": rule, "shortDescription": {"text": words}}
        for rule, words in RULES.items()
    ]
    log: dict[str, Any] = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": TOOL, "rules": rules}},
                "results": _results(proof, policies),
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)
