"""The run-as matrix: per instance, which run-as names commandUser tried under which policy
sets, and what came of each (ran as X, refused and why, failed on the instance, exposed,
assumed), derived from the scenarios' run requests and the policies their callers were given."""

from __future__ import annotations

from typing import TypedDict

from harness.report.model import Attempt, ScenarioRecord

NO_USERNAME = "(no Username: the OS default)"


class Entry(TypedDict):
    kind: str  # ran, refused, failed, accepted, exposed, assumed
    label: str
    detail: str
    scenarios: list[str]  # scenario ids


class Row(TypedDict):
    run_as: str
    cells: list[list[Entry]]  # one per column; empty: not tried


class Table(TypedDict):
    instance: str  # Linux or Windows
    instance_ids: list[str]
    columns: list[str]  # policy sets, "A + B"
    rows: list[Row]


def build_matrix(records: list[ScenarioRecord]) -> list[Table]:
    cells: dict[str, dict[tuple[str, str], list[Entry]]] = {}
    ids: dict[str, set[str]] = {}
    for record in records:
        for attempt in record["attempts"]:
            policies = record["policies"].get(attempt["caller"])
            if policies is None or not attempt["instance"]:
                continue  # the administrator's own runs, or an instance the spec did not name
            column = " + ".join(policies)
            row = attempt["run_as"] if attempt["run_as"] is not None else NO_USERNAME
            ids.setdefault(attempt["instance"], set()).add(attempt["instance_id"])
            entries = cells.setdefault(attempt["instance"], {}).setdefault((row, column), [])
            _merge(entries, _entry(attempt, record))
    tables = []
    for instance in sorted(cells):
        grid = cells[instance]
        columns = sorted({c for _, c in grid})
        names = sorted({r for r, _ in grid}, key=lambda r: (r == NO_USERNAME, r.lower(), r))
        rows = [Row(run_as=r, cells=[grid.get((r, c), []) for c in columns]) for r in names]
        tables.append(
            Table(
                instance=instance,
                instance_ids=sorted(ids[instance]),
                columns=columns,
                rows=rows,
            )
        )
    return tables


def _merge(entries: list[Entry], new: Entry) -> None:
    for entry in entries:
        if (entry["kind"], entry["label"]) == (new["kind"], new["label"]):
            entry["scenarios"] += [s for s in new["scenarios"] if s not in entry["scenarios"]]
            return
    entries.append(new)


def _entry(attempt: Attempt, record: ScenarioRecord) -> Entry:
    kind, label, detail = _plain(attempt)
    if attempt["accepted"] and record["verdict"] in ("exposed", "finding"):
        kind, label = "exposed", f"exposed: {label}"
    elif record["verdict"] == "assumed":
        kind, label = "assumed", f"assumed: {label}"
        detail = "; ".join(record["assumed"]) or detail
    return Entry(kind=kind, label=label, detail=detail, scenarios=[record["id"]])


def _plain(attempt: Attempt) -> tuple[str, str, str]:
    refused, ran = attempt["refused"], attempt["ran"]
    if refused is not None:
        how = {"ExplicitDeny": "explicit deny", "ImplicitDeny": "implicit deny"}.get(
            refused["deny"], refused["code"]
        )
        label = f"refused: {how}"
        deciding = _deciding(refused["explanation"])
        if deciding:
            label += f" by {deciding}" if refused["deny"] == "ExplicitDeny" else f"; {deciding}"
        # Whether the run-as rule refused it (proved, or assumed under a named assumption),
        # then the fake's own explanation: what a reader needs to trust the cell.
        why = [refused["detail"].get("RunAsReason", ""), refused["explanation"]]
        return "refused", label, "; ".join(w for w in why if w) or refused["message"]
    if ran is None:
        return "accepted", "accepted (result not read)", ""
    if ran["status"] == "Success":
        said = ran["output"].strip()
        # Windows' whoami says `host\\user`: the host differs per instance, the user matters
        who = said.rpartition("\\")[2] if said else ran["username"]
        detail = f"whoami said `{said}`, exit code {ran['exit_code']}, InvokeId {ran['invoke_id']}"
        return "ran", f"ran as {who}", detail
    code = ran["error_code"] or ran["status"]
    return "failed", f"failed on the instance: {code}", ran["error_info"]


def _deciding(explanation: str) -> str:
    """The statement that decided a refusal, from the fake's explanation: the denying one, or
    for an implicit deny the statement that came closest (`... closest: <policy> statement N`)."""
    if " is denied by " in explanation:
        return explanation.split(" is denied by ", 1)[1]
    if "`: " in explanation:  # "ImplicitDeny: no statement allows `a` on `r`: <closest>: <why>"
        return "closest: " + explanation.split("`: ", 1)[1].split(": ", 1)[0]
    return ""
