"""The server's request threads, kept for the next connection instead of one started per
connection (socketserver's `ThreadingMixIn`): a thread that has answered waits a little for
another connection, and a connection that finds no thread waiting gets a new one at once, so
no connection ever waits for another to finish, as before. What is saved is starting a thread
for every request (werkzeug's server closes each connection after one request)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

#: Seconds a thread with nothing to do waits for a connection before it ends.
IDLE = 5.0


class Workers(Generic[T]):
    """Threads that each run `serve(job)` for the jobs handed to them, one at a time.

    `hand(job)` gives the job to a waiting thread, or to a new thread when none waits: there
    are as many threads as jobs at once at most, and no job waits behind another. The threads
    are daemons, as `ThreadingMixIn`'s are with werkzeug (`daemon_threads`): stopping the
    server joins none. One that waits ends after `idle` seconds without a job, or at `close()`
    (the server closed: no job will come). A job that raises ends its thread, the exception
    reported by `threading.excepthook`, and the count of waiting threads stays right (the
    server's `serve` answers every failure itself, so none of its jobs raises)."""

    def __init__(self, serve: Callable[[T], None], *, idle: float = IDLE, name: str = "") -> None:
        self._serve = serve
        self._idle_seconds = idle
        self._name = name
        self._jobs: queue.SimpleQueue[T | _Stop] = queue.SimpleQueue()
        self._lock = threading.Lock()
        # Threads waiting for a job, less the jobs queued for them: a queued job is always
        # one some waiting thread is bound to take, so the count never goes below 0.
        self._waiting = 0

    def hand(self, job: T) -> None:
        with self._lock:
            if self._waiting:
                self._waiting -= 1
                self._jobs.put(job)
                return
        threading.Thread(target=self._run, args=(job,), name=self._name, daemon=True).start()

    def close(self) -> None:
        """End every thread that waits for a job now (a job handed later still runs)."""
        with self._lock:
            for _ in range(self._waiting):
                self._jobs.put(_STOP)
            self._waiting = 0

    @property
    def waiting(self) -> int:
        """How many threads wait for a job now (for tests)."""
        with self._lock:
            return self._waiting

    def _run(self, job: T) -> None:
        while True:
            self._serve(job)
            with self._lock:
                self._waiting += 1
            try:
                next_job = self._jobs.get(timeout=self._idle_seconds)
            except queue.Empty:
                with self._lock:  # a job handed just now is queued under this lock: take it
                    try:
                        next_job = self._jobs.get_nowait()
                    except queue.Empty:
                        self._waiting -= 1
                        return
            if isinstance(next_job, _Stop):
                return
            job = next_job


class _Stop:
    """What `close` queues for each waiting thread: end."""


_STOP = _Stop()
