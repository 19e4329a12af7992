"""When a periodic or reboot task runs next (RunCommand/InvokeCommand `RepeatMode`), on the
virtual clock. [SDK] `_run_command_request.py`: `rate(<n><s|m|h|d>)`, 60 seconds to 7 days,
first run one interval after creation; `at(yyyy-MM-dd HH:mm:ss [zone])`, once, UTC unless a
zone is named (`UTC`, `GMT+8:00` or an IANA name); cron expressions with the same zones
(`fakes.services.ecs.cron`: numbers, names, `*`, `?`, ranges, lists and steps; `L`, `W`, `#`
refused by name), no two runs closer than 10 seconds or the timeout, no zone meaning UTC
(A120); `Frequency` without `RepeatMode` means Period. NextRebootOnly and EveryReboot wait for
the instance to start again (RebootInstance).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fakes.services.base import Call
from fakes.services.ecs import cron, errors

REPEAT_MODES = ("Once", "Period", "NextRebootOnly", "EveryReboot", "DryRun")
_RATE = re.compile(r"^rate\((\d+)([smhd])\)$")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?: (\S+))?\)$")
_GMT = re.compile(r"^GMT([+-])([1-9]\d?|0):(\d{2})$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def repeat_mode(call: Call) -> str:
    """The RepeatMode asked for: Frequency alone means Period; DryRun is refused by name."""
    mode = call.params.text("RepeatMode")
    if mode is None:
        mode = "Period" if call.params.text("Frequency") else "Once"
    if mode not in REPEAT_MODES:
        raise errors.repeat_mode_not_found()
    if mode == "DryRun":
        raise errors.unsupported("RepeatMode `DryRun`")
    if mode == "Period" and not call.params.text("Frequency"):
        raise errors.invalid_frequency("a Period task needs a Frequency")
    return mode


def _zone(name: str | None) -> tzinfo:
    if name in (None, "UTC"):
        return UTC
    match = _GMT.match(name)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise errors.invalid_frequency(f"unknown time zone `{name}`") from None


@lru_cache(maxsize=256)
def _cron(frequency: str) -> cron.Cron:
    """A cron Frequency parsed; without a zone, the instance's own, which is UTC (A120)."""
    return cron.parse(frequency, _zone)


def check_frequency(frequency: str, timeout: int) -> None:
    """Refuse what cannot be scheduled, when the task is made."""
    rate = _RATE.match(frequency)
    if rate:
        seconds = int(rate.group(1)) * _UNITS[rate.group(2)]
        if not 60 <= seconds <= 7 * 86400 or seconds <= timeout:
            raise errors.invalid_frequency(
                "a rate must be 60 seconds to 7 days, and longer than the timeout"
            )
        return
    if _AT.match(frequency):
        return
    if cron.looks_like_cron(frequency):
        gap = _cron(frequency).shortest_gap()
        if gap < max(cron.MIN_INTERVAL, timeout):
            raise errors.invalid_frequency(
                f"cron runs {gap} seconds apart; the minimum is 10 seconds and the timeout"
            )
        return
    raise errors.invalid_frequency(f"`{frequency}` is not a rate, at or cron expression")


def next_run(frequency: str, created: datetime, after: datetime, runs: int) -> datetime | None:
    """The first run of a Period task later than `after`, or None when there is none left."""
    rate = _RATE.match(frequency)
    if rate:
        interval = timedelta(seconds=int(rate.group(1)) * _UNITS[rate.group(2)])
        return created + interval * (runs + 1)
    at = _AT.match(frequency)
    if at and runs == 0:
        local = datetime.strptime(at.group(1), "%Y-%m-%d %H:%M:%S").replace(
            tzinfo=_zone(at.group(2))
        )
        return max(local.astimezone(UTC), after)
    if cron.looks_like_cron(frequency):
        return cron.nth_run(_cron(frequency), created, runs)
    return None
