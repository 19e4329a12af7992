"""The assumption ledger: each modelled assumption, the scenarios resting on it, and what
this run says about it on its backend."""

from __future__ import annotations

from typing import TypedDict

from fakes.assumptions import ASSUMPTIONS
from harness.report.model import ScenarioRecord


class Standing(TypedDict):
    id: str
    statement: str
    reason: str
    status: str  # modelled, confirmed, contradicted, not checked
    summary: str
    scenarios: list[str]  # ids of the scenarios resting on it


def build_ledger(records: list[ScenarioRecord], backend: str, against: str) -> list[Standing]:
    ledger = []
    for key in sorted(ASSUMPTIONS, key=lambda k: (len(k), k)):
        assumption = ASSUMPTIONS[key]
        resting = [r for r in records if key in r["assumptions"]]
        ran = [r for r in resting if r["verdict"] != "skipped"]
        broke = [r for r in ran if r["verdict"] in ("failed", "exposed")]
        held = f"{len(ran) - len(broke)}/{len(ran)} scenarios held"
        if not resting:
            status = "modelled" if backend == "fake" else "not checked"
            summary = "no scenario of this run rests on it"
        elif backend == "fake":
            status, summary = "modelled", f"modelled by the fake, not confirmed: {held}"
        elif not ran:
            status, summary = "not checked", "no scenario resting on it ran"
        elif broke:
            status, summary = "contradicted", f"contradicted {_by(backend, against)}: {held}"
        elif all(r["verdict"] == "assumed" for r in ran):
            status = "not checked"
            summary = f"{held}, but only on setup the harness could not check (verify mode)"
        else:
            status, summary = "confirmed", f"confirmed {_by(backend, against)}: {held}"
        skipped = len(resting) - len(ran)
        if skipped:
            summary += f", {skipped} skipped"
        ledger.append(
            Standing(
                id=key,
                statement=assumption.statement,
                reason=assumption.reason,
                status=status,
                summary=summary,
                scenarios=[r["id"] for r in resting],
            )
        )
    return ledger


def _by(backend: str, against: str) -> str:
    if backend == "replay":
        return f"as recorded against {against}"
    return f"by a live run against {against}"
