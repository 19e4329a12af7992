"""`iso` writes a moment as Alibaba does (`YYYY-MM-DDThh:mm:ssZ`, UTC) and, for a moment in the
same minute as the one it wrote last, takes that one's text but for the seconds: any sequence
of moments gives what `strftime` gives for each, wherever the one before it stood (a minute,
hour, day or year crossed, a step back, microseconds, another time zone)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from fakes import clock
from fakes.clock import VirtualClock, iso


def _written_out(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_START = st.datetimes(
    min_value=datetime(1000, 1, 1), max_value=datetime(9998, 12, 31), timezones=st.just(UTC)
)
#: Steps as the virtual clock takes them (whole seconds, mostly a few) and any others.
_STEPS = st.lists(
    st.one_of(
        st.integers(min_value=-3, max_value=75).map(lambda s: timedelta(seconds=s)),
        st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=400)),
    ),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(start=_START, steps=_STEPS, whole=st.booleans())
def test_each_moment_is_written_as_strftime_writes_it(
    start: datetime, steps: list[timedelta], whole: bool
) -> None:
    moment = start.replace(microsecond=0) if whole else start
    for step in [timedelta(0), *steps]:
        try:
            moment += step
        except OverflowError:
            return
        if moment.year < 1000:
            return
        assert iso(moment) == _written_out(moment)
        assert clock._written(moment) == _written_out(moment)


def test_a_minute_crossed_is_not_read_from_the_text_before() -> None:
    """Stale text would keep the minute: 10:00:59 then 10:01:00, 10:01:30 then 10:02:29."""
    for before, after in (
        ("2026-12-01T10:00:59", "2026-12-01T10:01:00"),
        ("2026-12-01T10:01:30", "2026-12-01T10:02:29"),
        ("2026-12-31T23:59:59", "2027-01-01T00:00:00"),
    ):
        first = datetime.fromisoformat(before).replace(tzinfo=UTC)
        second = datetime.fromisoformat(after).replace(tzinfo=UTC)
        assert iso(first) == f"{before}Z"
        assert iso(second) == f"{after}Z"


def test_the_remembered_text_is_the_last_moment_written() -> None:
    clock._written.cache_clear()  # a moment written before would be remembered, not written
    moment = datetime(2026, 12, 1, 10, 0, 5, tzinfo=UTC)
    iso(moment)
    assert clock._last == (moment, "2026-12-01T10:00:05Z")
    iso(moment + timedelta(seconds=3))
    assert clock._last == (moment + timedelta(seconds=3), "2026-12-01T10:00:08Z")


def test_another_time_zone_is_written_in_utc() -> None:
    moment = datetime(2026, 12, 1, 10, 0, 5, tzinfo=timezone(timedelta(hours=8)))
    iso(datetime(2026, 12, 1, 2, 0, 1, tzinfo=UTC))
    assert iso(moment) == "2026-12-01T02:00:05Z"


def test_the_virtual_clock_ticking_reads_as_its_seconds() -> None:
    ticking = VirtualClock(datetime(2026, 12, 1, 10, 58, 57, tzinfo=UTC))
    written = [iso(ticking.advance()) for _ in range(125)]
    assert written == [_written_out(ticking.now() - timedelta(seconds=124 - i)) for i in range(125)]
