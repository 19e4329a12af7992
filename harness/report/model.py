"""The evidence model as JSON data (TypedDicts): what one scenario left behind, and the ids
that stay the same from run to run so two bundles can be diffed."""

from __future__ import annotations

import hashlib
from typing import Literal, TypedDict

Verdict = Literal["passed", "failed", "assumed", "skipped", "finding", "exposed"]
StepStatus = Literal["passed", "failed", "skipped", "undefined"]
VERDICTS: tuple[Verdict, ...] = ("finding", "exposed", "failed", "assumed", "skipped", "passed")


class Call(TypedDict):
    caller: str
    action: str
    params: dict[str, str]
    request_id: str
    outcome: str
    at: str  # ISO 8601, UTC


class Refused(TypedDict):
    action: str
    code: str
    status: int
    request_id: str
    message: str
    deny: str  # ExplicitDeny, ImplicitDeny, or "" when the answer does not say
    explanation: str  # the deciding statements, when the cloud's diagnostic can be read
    detail: dict[str, str]  # AccessDeniedDetail, without the encoded diagnostic


class Ran(TypedDict):
    invoke_id: str
    instance_id: str
    username: str
    status: str
    exit_code: int | None
    output: str
    error_code: str
    error_info: str


class Attempt(TypedDict):
    """One request to run a command as someone, and what came of it."""

    caller: str
    action: str
    instance: str  # the spec's label: Linux or Windows
    instance_id: str
    run_as: str | None  # the Username sent; None: none, the OS default
    accepted: bool
    refused: Refused | None
    ran: Ran | None


class Step(TypedDict):
    keyword: str
    text: str
    line: int
    status: StepStatus
    duration: float  # seconds


class FeatureInfo(TypedDict):
    path: str
    name: str
    description: str
    keyword: str
    line: int
    language: str
    tags: list[str]


class ScenarioRecord(TypedDict):
    id: str
    nodeid: str
    feature: FeatureInfo
    name: str
    keyword: str
    line: int
    example: str
    description: str
    tags: list[str]
    steps: list[Step]
    verdict: Verdict
    message: str
    fix: str
    assumptions: list[str]
    assumed: list[str]
    policies: dict[str, list[str]]
    instances: dict[str, str]
    calls: list[Call]
    refusals: list[Refused]
    attempts: list[Attempt]
    account: str  # masked account id, or ""
    duration: float


def stable_id(*parts: str) -> str:
    """The same parts give the same id in every run: a short SHA-256 of them."""
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:12]


def mask_account(account_id: str) -> str:
    """`1234567890123456` -> `1234**********56`: enough to tell accounts apart, not to name one."""
    if len(account_id) <= 6:
        return "*" * len(account_id)
    return account_id[:4] + "*" * (len(account_id) - 6) + account_id[-2:]


def fix_of(description: str) -> str:
    """The `Fix:` paragraph of a finding's Gherkin description, as one line."""
    lines = description.splitlines()
    for n, line in enumerate(lines):
        if line.strip().startswith("Fix:"):
            rest: list[str] = []
            for more in lines[n + 1 :]:
                if not more.strip():
                    break
                rest.append(more.strip())
            return " ".join([line.strip().removeprefix("Fix:").strip(), *rest]).strip()
    return ""
