"""Rate control for a fleet check: at most `max_concurrency` calls in flight, a shared pause
after a `Throttling*` answer (every worker waits, the pause doubles while throttling goes on
and resets after a call goes through), and a deadline past which nothing new starts (a read of
what already ran still goes through)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from harness.sdk.gateway import NoAnswer, Refusal

T = TypeVar("T")
#: How often one call is tried in all when the answer is throttling or a server error.
ATTEMPTS = 8
PAUSE_CAP = 30.0


class DeadlinePassed(Exception):
    """The fleet check's deadline passed before this call could start."""


class Pacer:
    """Paces the calls of one fleet check across its worker threads."""

    def __init__(
        self,
        max_concurrency: int,
        deadline: float,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        first_pause: float = 0.5,
    ) -> None:
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self._lock = threading.Lock()
        self._sleep = sleep
        self._clock = clock
        self._ends = clock() + deadline
        self._first_pause = first_pause
        self._pause = first_pause
        self._resume_at = 0.0
        self.calls = 0
        self.throttled = 0

    @property
    def expired(self) -> bool:
        return self._clock() >= self._ends

    def call(self, attempt: Callable[[], T], *, repeatable: bool, past_deadline: bool = False) -> T:
        """`attempt()` in a free slot; a throttled or 5xx answer to a repeatable call is tried
        again after the shared pause (or the server's `x-acs-retry-after`). Past the deadline
        it raises DeadlinePassed, unless `past_deadline` (a read of a run already started)."""
        tries = 0
        while True:
            self._wait_out_pause()
            if self.expired and not past_deadline:
                raise DeadlinePassed
            with self._slots:
                with self._lock:
                    self.calls += 1
                try:
                    answer = attempt()
                except Refusal as refusal:
                    tries += 1
                    throttled = refusal.code.startswith("Throttling")
                    if not (throttled or refusal.status >= 500) or not repeatable:
                        raise
                    if tries >= ATTEMPTS:
                        raise
                    self._back_off(refusal.retry_after, throttled)
                    continue
                except NoAnswer:
                    tries += 1
                    if not repeatable or tries >= ATTEMPTS:
                        raise
                    self._back_off(None, False)
                    continue
            with self._lock:
                self._pause = self._first_pause
            return answer

    def _back_off(self, retry_after: float | None, throttled: bool) -> None:
        with self._lock:
            if throttled:
                self.throttled += 1
            wait = retry_after if retry_after else self._pause
            self._pause = min(self._pause * 2, PAUSE_CAP)
            self._resume_at = max(self._resume_at, self._clock() + min(wait, PAUSE_CAP))

    def _wait_out_pause(self) -> None:
        """Sleep until the shared pause is over (once: the backend's `sleep` is trusted, and on
        the fake it returns at once, as its clock moves per call, not per second)."""
        with self._lock:
            left = self._resume_at - self._clock()
        if left > 0:
            self._sleep(left)
