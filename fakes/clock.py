"""The fake's virtual clock: time moves only when the fake says so, never by real sleeping."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from functools import lru_cache

#: How far the clock moves for each API request the fake answers (the time a call "takes").
TICK = timedelta(seconds=1)
_NO_TIME = timedelta(0)


class VirtualClock:
    """Starts at the real current second; `advance` moves it, every answered request ticks it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = (start or datetime.now(UTC)).replace(microsecond=0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta = TICK) -> datetime:
        if delta is not TICK and delta < _NO_TIME:
            raise ValueError("the virtual clock never goes back")
        with self._lock:
            self._now += delta
            return self._now


#: The moment `iso` wrote last, and what it wrote: the virtual clock moves a few whole seconds
#: at a time, so the next moment asked for is most often in the same minute (one tuple, replaced
#: whole, so a thread always reads a moment and its own text).
_last: tuple[datetime, str] = (datetime(1970, 1, 1, tzinfo=UTC), "1970-01-01T00:00:00Z")
_MINUTE = timedelta(minutes=1)


def iso(moment: datetime) -> str:
    """Alibaba's timestamp format: ISO-8601 UTC to the second, `Z` suffix. A whole second in
    the minute of the one written last is that one's text with its own seconds; any other is
    written in full (`_written`)."""
    global _last
    before, text = _last
    if moment.tzinfo is UTC and not moment.microsecond and not before.microsecond:
        # Whole seconds less than a minute on, and the second not smaller: the same minute (a
        # minute boundary crossed would wrap the second below the one before), so only the
        # seconds differ from what was written last.
        ahead = moment - before
        if _NO_TIME <= ahead < _MINUTE and moment.second >= before.second:
            if ahead:
                text = f"{text[:17]}{moment.second:02d}Z"
                _last = (moment, text)
            return text
    return _written(moment)


@lru_cache(maxsize=4096)
def _written(moment: datetime) -> str:
    """`iso` in full. Remembered: a page of results repeats a few instants of the virtual
    clock many times over."""
    if moment.tzinfo is UTC and moment.year >= 1000:  # the virtual clock's: `isoformat`, in C
        global _last
        text = moment.isoformat(timespec="seconds").removesuffix("+00:00") + "Z"
        _last = (moment, text)
        return text
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
