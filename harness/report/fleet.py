"""The fleet part of the evidence: for each fleet scenario, its selection, the counts per
verdict and one verdict per instance (harness/fleet), as the HTML report and the JSON bundle
show them. Additive: a bundle without fleet scenarios has no `fleet` key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict


class FleetInstance(TypedDict):
    instance_id: str
    name: str
    verdict: str  # exposed, privileged, broken, unreachable or verified
    detail: str
    checks: dict[str, str]


class FleetSection(TypedDict):
    selection: dict[str, Any]
    users: list[str]
    refused: list[str]
    summary: dict[str, int]
    instances: list[FleetInstance]


def fleet_sections(results: Sequence[Mapping[str, Any]]) -> list[FleetSection]:
    """The sections of the fleet results a run gathered (`FleetResult.as_json()` each), with
    the instances that did not verify first, worst first."""
    order = ("exposed", "privileged", "broken", "unreachable", "verified")
    return [
        FleetSection(
            selection=dict(r["selection"]),
            users=list(r["users"]),
            refused=list(r["refused"]),
            summary=dict(r["summary"]),
            instances=sorted(
                (FleetInstance(**i) for i in r["instances"]),  # type: ignore[typeddict-item]
                key=lambda i: (order.index(i["verdict"]), i["instance_id"]),
            ),
        )
        for r in results
    ]
