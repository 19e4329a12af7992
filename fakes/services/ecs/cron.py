"""Cron expressions in RunCommand/InvokeCommand `Frequency`, on the virtual clock.

[SDK] `alibabacloud_ecs20140526/models/_run_command_request.py` (`frequency`): the format is
`<seconds> <minutes> <hours> <day of month> <month> <day of week> <year (optional)> <time
zone>`; "the minimum time interval must be greater than or equal to the timeout period of the
scheduled task and must not be less than 10 seconds"; no zone means "the internal system time
zone of the instance" (A120). Fields, from https://www.alibabacloud.com/help/en/ecs/user-guide/
cron-expressions: seconds and minutes [0, 59], hours [0, 23], day [1, 31], month [1, 12] or
JAN-DEC, week [1, 7] or MON-SUN with 1 for Monday and 7 for Sunday, year up to 2099; `*`, `,`,
`-`, `/` everywhere, `?` in day and week, at most one leading zero. `L`, `W` and `#` are
refused by name (not modelled), and so is a day restricted in both day and week (A121).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from itertools import pairwise

from fakes.services.ecs import errors

#: The smallest gap between two runs the docs allow, whatever the timeout.
MIN_INTERVAL = 10
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_FIELD = re.compile(r"^[0-9A-Za-z*?,/#-]+$")
_YEAR = re.compile(r"^[0-9*,/-]+$")
_VALUE = re.compile(r"^(?:0?\d+|[A-Z]{3})$")
_NOT_MODELLED = re.compile(r"[LW#]")
_NAMES = re.compile("|".join(_MONTHS + _DAYS))
_LAST_YEAR = 2099
#: name, low, high, the names (first is `low`), whether `?` may stand for "any".
_FIELDS: tuple[tuple[str, int, int, tuple[str, ...], bool], ...] = (
    ("second", 0, 59, (), False),
    ("minute", 0, 59, (), False),
    ("hour", 0, 23, (), False),
    ("day", 1, 31, (), True),
    ("month", 1, 12, _MONTHS, False),
    ("week", 1, 7, _DAYS, True),
    ("year", 1970, _LAST_YEAR, (), False),
)


@dataclass(frozen=True)
class Cron:
    """A parsed expression: the values each field allows, and its zone."""

    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 1 Monday .. 7 Sunday
    years: frozenset[int]
    zone: tzinfo

    def fires_on(self, moment: datetime) -> bool:
        return (
            moment.year in self.years
            and moment.month in self.months
            and moment.day in self.days
            and moment.isoweekday() in self.weekdays
        )

    def shortest_gap(self) -> int:
        """The shortest time in seconds between two runs, days permitting (a run late one
        day and early the next count as neighbours)."""
        times = sorted(
            h * 3600 + m * 60 + s for h in self.hours for m in self.minutes for s in self.seconds
        )
        gaps = [b - a for a, b in pairwise(times)]
        gaps.append(86400 - times[-1] + times[0])
        return min(gaps)


def looks_like_cron(frequency: str) -> bool:
    return len(frequency.split()) >= 6


def _number(token: str, name: str, low: int, high: int, names: tuple[str, ...]) -> int:
    upper = token.upper()
    if not _VALUE.match(upper) or (token.isdigit() and len(token) > len(str(int(token))) + 1):
        raise errors.invalid_frequency(f"`{token}` is not a value of the {name} field")
    value = low + names.index(upper) if upper in names else int(upper) if upper.isdigit() else -1
    if not low <= value <= high:
        raise errors.invalid_frequency(f"`{token}` is out of range for the {name} field")
    return value


def _field(text: str, spec: tuple[str, int, int, tuple[str, ...], bool]) -> frozenset[int]:
    name, low, high, names, may_ask = spec
    if text == "?":
        if not may_ask:
            raise errors.invalid_frequency(f"`?` is only for the day and week fields, not {name}")
        return frozenset(range(low, high + 1))
    values: set[int] = set()
    for part in text.split(","):
        span, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise errors.invalid_frequency(f"`{part}` has no valid step in the {name} field")
            step = int(step_text)
        if span == "*":
            first, last = low, high
        elif "-" in span:
            a, _, b = span.partition("-")
            first, last = _number(a, name, low, high, names), _number(b, name, low, high, names)
            if first > last:
                raise errors.invalid_frequency(f"`{part}` is an empty range in the {name} field")
        else:
            first = _number(span, name, low, high, names)
            last = high if step_text else first
        values.update(range(first, last + 1, step))
    return frozenset(values)


def parse(frequency: str, zone_of: Callable[[str | None], tzinfo]) -> Cron:
    """The expression, or Alibaba's error: malformed gives InvalidFrequency.Malformed, what
    the fake does not model gives UnsupportedParameter, by name."""
    tokens = frequency.split()
    zone_name: str | None = None
    if len(tokens) == 8 or (len(tokens) == 7 and not _YEAR.match(tokens[6])):
        zone_name = tokens.pop()
    if len(tokens) not in (6, 7) or not all(_FIELD.match(token) for token in tokens):
        raise errors.invalid_frequency(f"`{frequency}` is not a cron expression")
    for token in tokens:
        unmodelled = _NOT_MODELLED.search(re.sub(_NAMES, "", token.upper()))
        if unmodelled:
            raise errors.unsupported(f"`{unmodelled.group()}` in cron expressions")
    if len(tokens) == 6:
        tokens.append("*")
    day, week = tokens[3], tokens[5]
    if day not in ("*", "?") and week not in ("*", "?"):
        raise errors.unsupported("a cron expression restricting both day and week (A121)")
    second, minute, hour, day_, month, week_, year = (
        _field(token, spec) for token, spec in zip(tokens, _FIELDS, strict=True)
    )
    return Cron(second, minute, hour, day_, month, week_, year, zone_of(zone_name))


def first_after(cron: Cron, after: datetime) -> datetime | None:
    """The first run strictly later than `after` (UTC), or None when the years run out."""
    moment = after.astimezone(cron.zone).replace(tzinfo=None, microsecond=0)
    moment += timedelta(seconds=1)
    while moment.year <= _LAST_YEAR:
        if not cron.fires_on(moment):
            moment = datetime(moment.year, moment.month, moment.day) + timedelta(days=1)
        elif moment.hour not in cron.hours:
            moment = moment.replace(minute=0, second=0) + timedelta(hours=1)
        elif moment.minute not in cron.minutes:
            moment = moment.replace(second=0) + timedelta(minutes=1)
        elif moment.second not in cron.seconds:
            moment += timedelta(seconds=1)
        else:
            return moment.replace(tzinfo=cron.zone).astimezone(UTC)
    return None


@lru_cache(maxsize=1024)
def _runs(cron: Cron, created: datetime) -> list[datetime | None]:
    """The runs of one task found so far, in order (grown by `nth_run`); a final None says
    there are no more (so a never-matching date such as 31 February is searched once)."""
    return []


def nth_run(cron: Cron, created: datetime, n: int) -> datetime | None:
    """When run `n` (0 first) of a task made at `created` starts, or None if never."""
    runs = _runs(cron, created)
    while len(runs) <= n:
        if runs and runs[-1] is None:
            return None
        previous = runs[-1] if runs else created
        runs.append(first_after(cron, previous or created))
    return runs[n]
