"""What one scenario left behind, as a `ScenarioRecord`: built where it ran, from pytest-bdd's
public scenario objects, the world's scene, outcome and evidence, and the phases' outcomes."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from harness.refusals import decoded_of, reason_of
from harness.report.model import (
    Attempt,
    Call,
    FeatureInfo,
    Ran,
    Refused,
    ScenarioRecord,
    Step,
    StepStatus,
    Verdict,
    fix_of,
    mask_account,
    stable_id,
)
from harness.sdk.gateway import Refusal
from harness.world import Started, World

RUN_ACTIONS = ("RunCommand", "InvokeCommand")
NO_FEATURE = FeatureInfo(
    path="", name="", description="", keyword="Feature", line=0, language="en", tags=[]
)


@dataclass
class Trace:
    """A scenario as pytest-bdd announced it, and how far its steps got."""

    feature: FeatureInfo
    name: str
    keyword: str
    line: int
    description: str
    tags: list[str]
    steps: list[Step]
    started: int = 0  # steps begun so far
    began: float = 0.0  # when the step begun last began (perf_counter)

    @classmethod
    def of(cls, feature: Any, scenario: Any) -> Trace:
        """From pytest-bdd's `Feature` and rendered `Scenario` (background steps included)."""
        steps = [
            Step(keyword=s.keyword, text=s.name, line=s.line_number, status="skipped", duration=0.0)
            for s in scenario.steps
        ]
        return cls(
            feature=FeatureInfo(
                path=str(feature.rel_filename),
                name=str(feature.name),
                description=str(feature.description or ""),
                keyword=str(feature.keyword),
                line=int(feature.line_number),
                language=str(feature.language),
                tags=sorted(feature.tags),
            ),
            name=str(scenario.name),
            keyword=str(scenario.keyword),
            line=int(scenario.line_number),
            description=str(scenario.description or ""),
            tags=sorted({*feature.tags, *scenario.tags}),
            steps=steps,
        )

    def begin(self) -> None:
        self.started += 1
        self.began = time.perf_counter()

    def end(self, status: StepStatus) -> None:
        """The step begun last ended so (`undefined`: the next step has no definition)."""
        if status == "undefined":
            self.started += 1
        if 0 < self.started <= len(self.steps):
            step = self.steps[self.started - 1]
            step["status"] = status
            if status != "undefined":
                step["duration"] = round(time.perf_counter() - self.began, 6)


@dataclass
class Phases:
    """How setup, call and teardown went: outcome and a one-line message each."""

    outcomes: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    duration: float = 0.0

    def verdict(self, *, finding: bool, assumed: bool, exposed: bool = False) -> Verdict:
        """`exposed`: the scenario's outcome records a run the spec expects refused."""
        values = self.outcomes.values()
        if "failed" in values:
            return "exposed" if exposed else "failed"
        if "skipped" in values:
            return "skipped"
        if finding:
            return "finding"
        return "assumed" if assumed else "passed"


def capture(
    nodeid: str,
    example: str,
    trace: Trace | None,
    world: World | None,
    phases: Phases,
    assumptions: list[str],
    fallback_name: str,
) -> ScenarioRecord:
    """The record of one scenario; nothing secret (evidence masks secrets, the account id is
    masked wherever it appears)."""
    tags = trace.tags if trace else []
    finding = "finding" in tags
    assumed = list(world.outcome.assumed) if world else []
    exposed = bool(world.outcome.exposed) if world else False
    verdict = phases.verdict(finding=finding, assumed=bool(assumed), exposed=exposed)
    steps = [dict(s) for s in trace.steps] if trace else []
    if trace and verdict == "skipped" and trace.started:
        steps[trace.started - 1]["status"] = "skipped"
    failed_outside = not any(s["status"] in ("failed", "undefined") for s in steps)
    if trace and verdict in ("failed", "exposed") and failed_outside and trace.started:
        steps[trace.started - 1]["status"] = "failed"  # it failed outside pytest-bdd's hooks
    feature = trace.feature if trace else NO_FEATURE
    name = trace.name if trace else fallback_name
    calls, refusals, attempts, account = _evidence(world)
    # A refusal whose reason the decode could not prove rests on a named assumption too.
    reasons = (
        [reason_of(o) for o in world.outcome.history if isinstance(o, Refusal)] if world else []
    )
    rested = {r.assumption for r in reasons if r is not None and r.assumption}
    assumptions = sorted({*assumptions, *rested}, key=lambda k: (len(k), k))
    record = ScenarioRecord(
        id=stable_id(feature["path"], name, example),
        nodeid=nodeid,
        feature=feature,
        name=name,
        keyword=trace.keyword if trace else "Scenario",
        line=trace.line if trace else 0,
        example=example,
        description=trace.description if trace else "",
        tags=tags,
        steps=cast(list[Step], steps),
        verdict=verdict,
        message=" | ".join(phases.messages),
        fix=fix_of(trace.description) if trace else "",
        assumptions=assumptions,
        assumed=assumed,
        policies={k: list(v) for k, v in world.scene.attached.items()} if world else {},
        instances=dict(world.scene.instances) if world else {},
        calls=calls,
        refusals=refusals,
        attempts=attempts,
        account=mask_account(account) if account else "",
        duration=round(phases.duration, 3),
    )
    if not account:
        return record
    text = json.dumps(record).replace(account, mask_account(account))
    return cast(ScenarioRecord, json.loads(text))


def _evidence(world: World | None) -> tuple[list[Call], list[Refused], list[Attempt], str]:
    if world is None:
        return [], [], [], ""
    calls = [
        Call(
            caller=r.caller,
            action=r.action,
            params=dict(r.params),
            request_id=r.request_id,
            outcome=r.outcome,
            at=datetime.fromtimestamp(r.at, UTC).isoformat(timespec="milliseconds"),
        )
        for r in world.evidence.records
    ]
    refusals = [refused(o) for o in world.outcome.history if isinstance(o, Refusal)]
    owners = [r["detail"].get("AuthPrincipalOwnerId", "") for r in refusals]
    account = next((owner for owner in owners if owner), "")
    return calls, refusals, _attempts(world, calls), account


def refused(refusal: Refusal) -> Refused:
    detail = {
        str(k): str(v)
        for k, v in (refusal.access_denied_detail or {}).items()
        if k != "EncodedDiagnosticMessage"
    }
    decoded = decoded_of(refusal)  # ram:DecodeDiagnosticMessage's reason, when a step decoded it
    if decoded is not None:
        detail["DecodedReason"] = str(decoded)
    reason = reason_of(refusal)  # whether the run-as rule refused it: proved, assumed or wrong
    if reason is not None:
        detail["RunAsReason"] = str(reason)
    return Refused(
        action=refusal.action,
        code=refusal.code,
        status=refusal.status,
        request_id=refusal.request_id or "-",
        message=refusal.message,
        deny=detail.get("NoPermissionType", ""),
        explanation=refusal.explanation(),
        detail=detail,
    )


def _attempts(world: World, calls: list[Call]) -> list[Attempt]:
    """Each run request the scenario recorded, matched to its API call for caller and Username."""
    labels = {v: k for k, v in world.scene.instances.items()}
    runs = [c for c in calls if c["action"] in RUN_ACTIONS]
    used: set[int] = set()

    def call_for(match: Any) -> Call | None:
        for n, c in enumerate(runs):
            if n not in used and match(c):
                used.add(n)
                return c
        return None

    attempts: list[Attempt] = []
    for outcome in world.outcome.history:
        if isinstance(outcome, Started):
            call = call_for(
                lambda c, o=outcome: (
                    c["outcome"] == "OK"
                    and c["params"].get("InstanceId") == o.instance_id
                    and c["params"].get("Username") == o.username
                )
            )
            result = outcome.result
            attempts.append(
                Attempt(
                    caller=call["caller"] if call else "",
                    action=call["action"] if call else "RunCommand",
                    instance=labels.get(outcome.instance_id, ""),
                    instance_id=outcome.instance_id,
                    run_as=outcome.username,
                    accepted=True,
                    refused=None,
                    ran=None if result is None else _ran(result),
                )
            )
        elif outcome.action in RUN_ACTIONS:
            call = call_for(lambda c, o=outcome: c["request_id"] == (o.request_id or "-"))
            instance_id = call["params"].get("InstanceId", "") if call else ""
            attempts.append(
                Attempt(
                    caller=call["caller"] if call else "",
                    action=outcome.action,
                    instance=labels.get(instance_id, ""),
                    instance_id=instance_id,
                    run_as=call["params"].get("Username") if call else None,
                    accepted=False,
                    refused=refused(outcome),
                    ran=None,
                )
            )
    return attempts


def _ran(result: Any) -> Ran:
    return Ran(
        invoke_id=result.invoke_id,
        instance_id=result.instance_id,
        username=result.username,
        status=result.status,
        exit_code=result.exit_code,
        output=result.output,
        error_code=result.error_code,
        error_info=result.error_info,
    )
