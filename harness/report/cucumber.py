"""Cucumber JSON that tells the truth: pytest-bdd's reporter lists an undefined step not at all
(and the scenario as passed), steps after a failure as `failed` with an empty message, skipped
steps as passed, and nothing under xdist (its records live in the worker). This writes the file
again from the evidence model, in the same shape, with each scenario's evidence embedded."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from harness.report.model import ScenarioRecord
from harness.report.text import evidence_lines

HOOK_LOCATION = "harness.plugin.evidence: the scenario's evidence"


def features(records: list[ScenarioRecord]) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for record in records:
        info = record["feature"]
        if not info["path"]:
            continue  # a scenario that never started: nothing pytest-bdd could name
        feature = found.setdefault(
            info["path"],
            {
                "keyword": info["keyword"],
                "uri": info["path"],
                "name": info["name"] or info["path"],
                "id": info["path"].lower().replace(" ", "-"),
                "line": info["line"],
                "description": info["description"],
                "language": info["language"],
                "tags": [{"name": t, "line": info["line"] - 1} for t in info["tags"]],
                "elements": [],
            },
        )
        feature["elements"].append(element(record))
    return list(found.values())


def element(record: ScenarioRecord) -> dict[str, Any]:
    own_tags = [t for t in record["tags"] if t not in record["feature"]["tags"]]
    steps = []
    for step in record["steps"]:
        result: dict[str, Any] = {
            "status": step["status"],
            "duration": int(step["duration"] * 1e9),  # nanoseconds
        }
        if step["status"] in ("failed", "undefined") and record["message"]:
            result["error_message"] = record["message"]
        steps.append(
            {
                "keyword": step["keyword"],
                "name": step["text"],
                "line": step["line"],
                "match": {"location": ""},
                "result": result,
            }
        )
    return {
        "keyword": record["keyword"],
        "id": record["nodeid"].rpartition("::")[2],
        "name": record["name"],
        "line": record["line"],
        "description": record["description"],
        "tags": [{"name": t, "line": record["line"] - 1} for t in own_tags],
        "type": "scenario",
        "steps": steps,
        "after": [
            {
                "match": {"location": HOOK_LOCATION},
                "result": {"status": "passed", "duration": 0},
                "embeddings": [
                    _embed("application/json", json.dumps(record), "runas evidence"),
                    _embed("text/plain", "\n".join(evidence_lines(record)), "runas evidence"),
                ],
            }
        ],
    }


def _embed(mime: str, text: str, name: str) -> dict[str, str]:
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return {"mime_type": mime, "data": data, "name": name}


def write(path: Path, records: list[ScenarioRecord]) -> None:
    path.write_text(json.dumps(features(records)), encoding="utf-8")
