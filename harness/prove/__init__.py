"""The symbolic prover: commandUser's compiled policies as z3 constraints, so a question about
run-as names is answered for every name at once (as Zelkova does for AWS), never by sampling.

`questions` asks, `encode` translates (the same rules as `fakes.policy.evaluate`), `solve`
answers under a time limit and replays every witness through the concrete engine, `cli` is
`python -m harness prove`.
"""

from __future__ import annotations

from harness.prove.questions import (
    FORBIDDEN,
    ActionProof,
    InstanceFacts,
    Proof,
    prove,
    run_as_any_case,
    run_as_exactly,
    run_as_other_than,
)
from harness.prove.request import RUN_AS_ACTIONS
from harness.prove.solve import Answer, Verdict, Witness

__all__ = [
    "FORBIDDEN",
    "RUN_AS_ACTIONS",
    "ActionProof",
    "Answer",
    "InstanceFacts",
    "Proof",
    "Verdict",
    "Witness",
    "prove",
    "run_as_any_case",
    "run_as_exactly",
    "run_as_other_than",
]
