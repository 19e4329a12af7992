"""The names other modules rely on are exported, and nothing else leaks out."""

from __future__ import annotations

import dataclasses

import fakes.policy


def test_the_public_names_are_pinned() -> None:
    assert sorted(fakes.policy.__all__) == sorted(
        [
            "AuthRequest",
            "CompiledPolicy",
            "CompiledStatement",
            "ConditionFailure",
            "Decision",
            "DecisionMemo",
            "Glob",
            "OPERATORS",
            "PolicyError",
            "PolicySet",
            "PolicySource",
            "ResourceMiss",
            "StatementRef",
            "TrustPolicy",
            "Verdict",
            "compile_policy",
            "compile_trust_policy",
            "decide",
            "evaluate",
        ]
    )
    for name in fakes.policy.__all__:
        assert hasattr(fakes.policy, name)


def test_the_contract_dataclasses_have_the_agreed_fields() -> None:
    def fields(cls: type) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    assert fields(fakes.policy.PolicySource) == ["name", "type", "version", "scope", "holder"]
    assert fields(fakes.policy.AuthRequest) == ["action", "resource", "context"]
    assert fields(fakes.policy.StatementRef) == ["policy", "index", "effect"]
    assert fields(fakes.policy.ConditionFailure) == [
        "statement",
        "operator",
        "key",
        "expected",
        "actual",
        "reason",
    ]
    assert fields(fakes.policy.Decision)[:4] == ["kind", "request", "deciding", "failed_conditions"]


def test_all_documented_operators_and_no_others_are_known() -> None:
    assert sorted(fakes.policy.OPERATORS) == sorted(
        [
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
            "Bool",
            "IpAddress",
            "NotIpAddress",
        ]
    )


def test_the_policy_engine_imports_nothing_outside_the_standard_library() -> None:
    import ast
    import sys
    from pathlib import Path

    allowed = set(sys.stdlib_module_names) | {"fakes"}
    for path in Path(fakes.policy.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                top = node.module.split(".")[0]
                assert top in allowed, f"{path.name} imports {node.module}"
                if top == "fakes":
                    assert node.module.startswith(("fakes.policy", "fakes.assumptions"))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] in allowed, f"{path.name} imports {alias.name}"
