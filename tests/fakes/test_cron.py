"""Cron expressions in `Frequency` and RepeatMode NextRebootOnly, through the official SDK, on
the fake's virtual clock; and a table for the next-run computation.

Sources: [SDK] `alibabacloud_ecs20140526/models/_run_command_request.py` (`frequency`: the
seven-field form with an optional year and a zone, "not less than 10 seconds" between runs) and
https://www.alibabacloud.com/help/en/ecs/user-guide/cron-expressions (fields and characters;
week 1 is Monday)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alibabacloud_ecs20140526 import models as m
from alibabacloud_ecs20140526.client import Client as EcsClient

from fakes import FakeCloud
from fakes.services.ecs.schedules import check_frequency, next_run

from ._ca import invoke, output, refused, result, run, saved

#: Tuesday 1 December 2026, 12:00:00 UTC.
MADE = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)


def _at(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)


@pytest.mark.parametrize(
    ("frequency", "runs"),
    [
        ("*/10 * * * * ?", [_at(2026, 12, 1, 12, 0, 10), _at(2026, 12, 1, 12, 0, 20)]),
        ("0 15 10 ? * * 2026 Asia/Shanghai", [_at(2026, 12, 2, 2, 15), _at(2026, 12, 3, 2, 15)]),
        ("0 0/30 10-11 * * ? 2026 GMT+8:00", [_at(2026, 12, 2, 2, 0), _at(2026, 12, 2, 2, 30)]),
        ("0 0/5 14 * 10 ? 2022/2 UTC", [_at(2028, 10, 1, 14, 0), _at(2028, 10, 1, 14, 5)]),
        ("0 0 12 ? * WED", [_at(2026, 12, 2, 12, 0), _at(2026, 12, 9, 12, 0)]),
        ("0 0 12 ? * 1", [_at(2026, 12, 7, 12, 0), _at(2026, 12, 14, 12, 0)]),  # 1 is Monday
        ("0 10,44 14 ? MAR-APR 3", [_at(2027, 3, 3, 14, 10), _at(2027, 3, 3, 14, 44)]),
        ("30 59 23 31 * ?", [_at(2026, 12, 31, 23, 59, 30), _at(2027, 1, 31, 23, 59, 30)]),
        ("0 0 0 29 2 ? *", [_at(2028, 2, 29), _at(2032, 2, 29)]),
        ("0 0 0 1 1 ? 2026", []),  # its only run was before the task was made
        ("0 0 0 31 2 ?", []),  # 31 February never comes
    ],
)
def test_the_next_cron_run_on_the_clock(frequency: str, runs: list[datetime]) -> None:
    check_frequency(frequency, 10)
    found = [next_run(frequency, MADE, MADE, n) for n in range(len(runs) or 1)]
    assert found == (runs or [None])


def test_a_cron_task_runs_at_its_times_in_its_zone(
    cloud: FakeCloud, ecs: EcsClient, linux: str
) -> None:
    """09:30 in Shanghai is 01:30 UTC: not at 09:30 UTC, and once a day."""
    invoke_id = run(ecs, linux, "whoami", frequency="0 30 9 * * ? Asia/Shanghai", timeout=30)
    now = cloud.clock.now()
    due = now.replace(hour=1, minute=30, second=0)
    if due <= now + timedelta(minutes=1):
        due += timedelta(days=1)
    cloud.clock.advance(due - now - timedelta(seconds=30))
    assert result(ecs, invoke_id, polls=1).invocation_status == "Scheduled"
    cloud.clock.advance(timedelta(seconds=30))
    row = result(ecs, invoke_id)
    assert (row.invocation_status, output(row), row.repeats) == ("Success", "root\n", 1)
    cloud.clock.advance(timedelta(hours=23))
    assert result(ecs, invoke_id, polls=3).repeats == 1
    cloud.clock.advance(timedelta(hours=1))
    result(ecs, invoke_id, polls=1)  # the second run starts
    assert result(ecs, invoke_id).repeats == 2


@pytest.mark.parametrize(
    ("frequency", "why"),
    [
        ("0 61 * * * ?", "out of range"),
        ("* * * * * ?", "minimum is 10 seconds"),
        ("0 0 12 ? * * 2026 Mars/Olympus", "unknown time zone"),
        ("0 0 12 * ? * *", "only for the day and week"),
        ("0 0 12 ? * FUNDAY", "not a value"),
        ("0 0 0/0 * * ?", "no valid step"),
    ],
)
def test_a_bad_cron_expression_is_refused_with_the_documented_code(
    ecs: EcsClient, linux: str, frequency: str, why: str
) -> None:
    error = refused(lambda: run(ecs, linux, "true", frequency=frequency, timeout=10))
    assert error.code == "InvalidFrequency.Malformed"
    assert why in str(error.message)


def test_invoke_command_runs_a_saved_command_on_a_cron_schedule_as_its_user(
    cloud: FakeCloud, ecs: EcsClient, linux: str
) -> None:
    command_id = saved(ecs, "whoami")
    cloud.clock.advance(timedelta(seconds=21 - cloud.clock.now().second % 20))  # hh:mm:x1
    schedule = {"frequency": "*/20 * * * * ? UTC", "timeout": 10}
    invoke_id = invoke(ecs, linux, command_id, username="user01", **schedule)
    assert result(ecs, invoke_id, polls=1).invocation_status == "Scheduled"
    cloud.clock.advance(timedelta(seconds=20 - cloud.clock.now().second % 20))
    row = result(ecs, invoke_id)
    assert (row.invocation_status, output(row), row.repeats) == ("Success", "user01\n", 1)
    refusal = refused(lambda: invoke(ecs, linux, command_id, frequency="0 15 10 ? * 6L"))
    assert refusal.code == "UnsupportedParameter"


def test_runs_closer_than_the_timeout_are_refused(ecs: EcsClient, linux: str) -> None:
    error = refused(lambda: run(ecs, linux, "true", frequency="0/30 * * * * ?", timeout=60))
    assert error.code == "InvalidFrequency.Malformed"
    assert run(ecs, linux, "true", frequency="0/30 * * * * ?", timeout=30).startswith("t-")


@pytest.mark.parametrize(
    ("frequency", "token"),
    [
        ("0 15 10 L * ?", "`L`"),
        ("0 15 10 15W * ?", "`W`"),
        ("0 15 10 ? * 6#3", "`#`"),
        ("0 15 10 15 * 3", "both day and week"),
    ],
)
def test_an_unmodelled_cron_token_is_refused_by_name(
    ecs: EcsClient, linux: str, frequency: str, token: str
) -> None:
    error = refused(lambda: run(ecs, linux, "true", frequency=frequency))
    assert error.code == "UnsupportedParameter"
    assert token in str(error.message)


def test_next_reboot_only_runs_once_at_the_next_reboot(
    cloud: FakeCloud, ecs: EcsClient, linux: str
) -> None:
    invoke_id = run(ecs, linux, "echo booted", repeat_mode="NextRebootOnly")
    cloud.clock.advance(timedelta(days=1))
    assert result(ecs, invoke_id, polls=3).invocation_status == "Scheduled"
    ecs.reboot_instance(m.RebootInstanceRequest(instance_id=linux))
    row = result(ecs, invoke_id)
    assert (row.invocation_status, output(row), row.repeats) == ("Success", "booted\n", 1)
    ecs.reboot_instance(m.RebootInstanceRequest(instance_id=linux))
    cloud.clock.advance(timedelta(minutes=5))
    again = result(ecs, invoke_id, polls=3)
    assert (again.invocation_status, again.repeats) == ("Success", 1)
