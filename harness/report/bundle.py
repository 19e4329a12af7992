"""The whole evidence document: context, summary, findings first, the run-as matrix, every
scenario, the assumption ledger. The HTML report and the JSON bundle are two views of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NotRequired, TypedDict

from harness.report.context import Context
from harness.report.fleet import FleetSection
from harness.report.ledger import Standing, build_ledger
from harness.report.matrix import Table, build_matrix
from harness.report.model import VERDICTS, ScenarioRecord

SCHEMA = Path(__file__).with_name("evidence.schema.json")
FORMAT = "runas-evidence/1"


class Finding(TypedDict):
    id: str
    scenario: str  # its scenario's id
    name: str
    feature: str
    verdict: str  # finding (a documented weakness) or exposed (an unexpected one)
    fix: str
    message: str


class Bundle(TypedDict):
    format: str
    context: Context
    summary: dict[str, int]
    findings: list[Finding]
    matrix: list[Table]
    scenarios: list[ScenarioRecord]
    assumptions: list[Standing]
    fleet: NotRequired[list[FleetSection]]  # only when fleet scenarios ran (report/fleet.py)


def build_bundle(records: list[ScenarioRecord], context: Context) -> Bundle:
    records = sorted(records, key=_order)
    summary: dict[str, int] = {v: sum(r["verdict"] == v for r in records) for v in VERDICTS}
    summary["total"] = len(records)
    return Bundle(
        format=FORMAT,
        context=context,
        summary=summary,
        findings=findings(records),
        matrix=build_matrix(records),
        scenarios=records,
        assumptions=build_ledger(records, context["backend"], context["against"]),
    )


def _order(record: ScenarioRecord) -> tuple[str, int, str, str]:
    return (record["feature"]["path"], record["line"], record["example"], record["id"])


def findings(records: list[ScenarioRecord]) -> list[Finding]:
    """Scenarios tagged @finding that showed their weakness, and every exposure."""
    return [
        Finding(
            id=f"finding-{r['id']}",
            scenario=r["id"],
            name=r["name"],
            feature=r["feature"]["path"],
            verdict=r["verdict"],
            fix=r["fix"],
            message=r["message"],
        )
        for r in records
        if r["verdict"] in ("finding", "exposed")
    ]


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return loaded


def write_json(bundle: Bundle, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(bundle, indent=2, sort_keys=False) + "\n", encoding="utf-8")
