"""The roll-up of per-instance statuses, precompiled, answers as the plain set algebra does.

`rollup` and `legacy_of` compare against frozen constants instead of building sets per call
(bench/fake_overhead.py); the reference below is the rule as DescribeInvocations states it,
and every subset of the statuses a target can take is checked against it.
"""

from __future__ import annotations

from itertools import combinations

import pytest

from fakes.services.ecs.state import legacy_of, rollup

#: Every status a target reports, and the failures the roll-up groups with them.
TARGET_STATUSES = (
    "Scheduled",
    "Pending",
    "Running",
    "Stopping",
    "Success",
    "Failed",
    "Invalid",
    "Aborted",
    "Timeout",
    "Error",
    "Cancelled",
    "Terminated",
)


def _reference(statuses: set[str]) -> str:
    failed = {"Failed", "Invalid", "Aborted", "Timeout", "Error"}
    stopped = {"Cancelled", "Terminated"}
    if statuses <= {"Scheduled"}:
        return "Scheduled"
    if statuses & {"Pending"} and not statuses - {"Pending"}:
        return "Pending"
    if statuses & {"Pending", "Running", "Stopping"}:
        return "Running"
    if statuses <= {"Success"}:
        return "Success"
    if statuses <= stopped:
        return "Stopped"
    if statuses <= failed | stopped:
        return "Failed"
    return "PartialFailed"


def _subsets() -> list[set[str]]:
    return [
        set(chosen)
        for size in range(len(TARGET_STATUSES) + 1)
        for chosen in combinations(TARGET_STATUSES, size)
    ]


def test_every_set_of_target_statuses_rolls_up_as_the_rule_says() -> None:
    mismatches = [s for s in _subsets() if rollup(s) != _reference(s)]
    assert mismatches == []


def test_the_rollup_leaves_the_statuses_it_is_given_alone() -> None:
    statuses = {"Pending", "Success"}
    assert rollup(statuses) == "Running"
    assert statuses == {"Pending", "Success"}


@pytest.mark.parametrize(
    ("overall", "legacy"),
    [
        ("Pending", "Running"),
        ("Success", "Finished"),
        ("Running", "Running"),
        ("Failed", "Failed"),
        ("PartialFailed", "PartialFailed"),
        ("Stopped", "Stopped"),
        ("Scheduled", "Scheduled"),
    ],
)
def test_the_legacy_invoke_status_renames_pending_and_success_only(
    overall: str, legacy: str
) -> None:
    assert legacy_of(overall) == legacy
