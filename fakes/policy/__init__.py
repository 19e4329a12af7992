"""The RAM policy engine: compile identity policies once, then evaluate requests against them.

Stages are separate (parse and validate in `document`, match in `patterns`/`conditions`, decide
in `evaluate`), errors are typed (`PolicyError`), and nothing here does I/O or knows about
services or HTTP.
"""

from __future__ import annotations

from fakes.policy.decision import (
    AuthRequest,
    ConditionFailure,
    Decision,
    PolicySource,
    ResourceMiss,
    StatementRef,
)
from fakes.policy.document import CompiledPolicy, CompiledStatement, compile_policy
from fakes.policy.errors import PolicyError
from fakes.policy.evaluate import evaluate
from fakes.policy.glob import Glob
from fakes.policy.layers import PolicySet, Verdict, decide
from fakes.policy.memo import DecisionMemo
from fakes.policy.operators import OPERATORS
from fakes.policy.trust import TrustPolicy, compile_trust_policy

__all__ = [
    "OPERATORS",
    "AuthRequest",
    "CompiledPolicy",
    "CompiledStatement",
    "ConditionFailure",
    "Decision",
    "DecisionMemo",
    "Glob",
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
