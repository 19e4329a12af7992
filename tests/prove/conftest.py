"""Shared by the prover's tests: the policy documents they prove over, by label."""

from __future__ import annotations

from pathlib import Path

from harness.prove.encode import Policies
from harness.prove.sources import load, policy_set

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
GUIDE = REPO / "features" / "policies"
FORMS = {
    "allow-list": GUIDE / "commandUserPolicy.allowlist.json",
    "deny-list": GUIDE / "commandUserPolicy.denylist.json",
    "hardened": GUIDE / "commandUserPolicy.hardened.json",
    "allow-list glob": HERE / "policies" / "commandUserPolicy.allowlist-glob.json",
}


def policies(*labels: str) -> Policies:
    """`policies("deny-list", "AliyunECSFullAccess")`: a guide form and system policies."""
    return policy_set([load(str(FORMS.get(label, label))) for label in labels])
