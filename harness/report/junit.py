"""JUnit XML with the evidence: pytest's junitxml writes each testcase's properties (verdict,
assumption ids, finding, the scenario's id) from the report's `user_properties`; after it has
written the file, this adds each scenario's evidence to its testcase's `system-out`, which
pytest leaves empty unless `junit_logging` is set."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness.report.model import ScenarioRecord
from harness.report.text import evidence_lines

ID_PROPERTY = "runas_id"


def properties(record: ScenarioRecord) -> list[tuple[str, str]]:
    """What every testcase of a scenario carries as JUnit properties."""
    found = [(ID_PROPERTY, record["id"]), ("verdict", record["verdict"])]
    if record["assumptions"]:
        found.append(("assumptions", " ".join(record["assumptions"])))
    if record["verdict"] in ("finding", "exposed"):
        found.append(("finding", record["fix"] or record["message"]))
    return found


def enrich(path: Path, records: list[ScenarioRecord]) -> int:
    """Add evidence to the testcases of `path`; how many testcases got it."""
    by_id = {r["id"]: r for r in records}
    tree = ET.parse(path)
    done = 0
    for case in tree.iter("testcase"):
        ids = [
            p.get("value")
            for p in case.iterfind("properties/property")
            if p.get("name") == ID_PROPERTY
        ]
        record = by_id.get(ids[0] or "") if ids else None
        if record is None:
            continue
        out = case.find("system-out")
        if out is None:
            out = ET.SubElement(case, "system-out")
        text = "\n".join(evidence_lines(record))
        out.text = f"{out.text}\n{text}" if out.text else text
        done += 1
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return done
