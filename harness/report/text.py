"""A scenario's evidence as plain lines, for JUnit's system-out and Cucumber's text embedding."""

from __future__ import annotations

from harness.report.model import ScenarioRecord


def evidence_lines(record: ScenarioRecord) -> list[str]:
    lines = [f"verdict: {record['verdict']}  (id {record['id']})"]
    if record["fix"]:
        lines.append(f"finding: Fix: {record['fix']}")
    if record["message"]:
        lines.append(f"why: {record['message']}")
    if record["assumptions"]:
        lines.append(f"rests on assumptions: {', '.join(record['assumptions'])}")
    lines += [f"assumed, not checked: {a}" for a in record["assumed"]]
    for refusal in record["refusals"]:
        why = refusal["explanation"] or refusal["message"]
        lines.append(
            f"refused: {refusal['action']}: {refusal['code']} (HTTP {refusal['status']}) "
            f"[RequestId {refusal['request_id']}]: {why}"
        )
    for attempt in record["attempts"]:
        ran = attempt["ran"]
        if ran is not None:
            lines.append(
                f"ran: {ran['invoke_id']} on {ran['instance_id']} as {ran['username']}: "
                f"{ran['status']}, exit code {ran['exit_code']}, error {ran['error_code'] or '-'}, "
                f"output {ran['output'].strip()!r}"
            )
    if record["calls"]:
        lines.append("API calls:")
    for call in record["calls"]:
        params = ", ".join(f"{k}={v}" for k, v in call["params"].items())
        lines.append(
            f"  {call['at']} {call['caller']}: {call['action']}({params}) -> {call['outcome']} "
            f"[RequestId {call['request_id']}]"
        )
    return lines
