"""The server's request threads (`fakes.workers.Workers`): a connection never waits for
another to finish, a thread that answered takes the next connection, a thread with nothing to
do ends, and no job is lost or run twice when jobs and idle threads cross. Proved with events,
not timings (each wait has a deadline so that a failure fails, never hangs)."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from fakes.server import FakeServer
from fakes.workers import Workers

WAIT = 10  # seconds an event may take before the test gives up


def test_a_job_handed_while_every_thread_is_busy_runs_at_once() -> None:
    """Three jobs, each holding its thread until all three have started: they can only all
    start if none waits behind another."""
    started = threading.Barrier(3, timeout=WAIT)
    done: list[int] = []
    workers: Workers[int] = Workers(lambda job: (started.wait(), done.append(job)))
    for job in range(3):
        workers.hand(job)
    _until(lambda: len(done) == 3)
    assert sorted(done) == [0, 1, 2]


def test_a_thread_that_answered_takes_the_next_job() -> None:
    threads: list[int] = []
    workers: Workers[None] = Workers(lambda _: threads.append(threading.get_ident()))
    workers.hand(None)
    _until(lambda: workers.waiting == 1)
    workers.hand(None)
    _until(lambda: len(threads) == 2 and workers.waiting == 1)
    assert threads[0] == threads[1]


def test_a_thread_with_nothing_to_do_ends_and_a_later_job_still_runs() -> None:
    ran = threading.Event()
    workers: Workers[None] = Workers(lambda _: ran.set(), idle=0.01)
    workers.hand(None)
    assert ran.wait(WAIT)
    _until(lambda: workers.waiting == 0)
    ran.clear()
    workers.hand(None)
    assert ran.wait(WAIT)


def test_a_job_that_raises_ends_its_thread_and_the_next_job_still_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found by review: the raising thread is not counted as waiting, so the next job gets a
    thread of its own rather than being queued for one that is gone."""
    raised: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    ran = threading.Event()

    def serve(job: str) -> None:
        if job == "bad":
            raise ValueError("a job that fails")
        ran.set()

    workers: Workers[str] = Workers(serve)
    workers.hand("bad")
    _until(lambda: len(raised) == 1)
    assert isinstance(raised[0], ValueError)
    assert workers.waiting == 0
    workers.hand("good")
    assert ran.wait(WAIT)
    _until(lambda: workers.waiting == 1)


class _TimesOutAsAJobArrives(queue.SimpleQueue[int]):
    """A job queue whose first wait for a job ends as if it had timed out, at the very moment
    a job is handed (after `hand` has put it): the crossing a real timeout meets only rarely."""

    def __init__(self, handed: threading.Event) -> None:
        self._handed = handed
        self._crossed = False

    def get(self, block: bool = True, timeout: float | None = None) -> int:
        if block and not self._crossed:
            self._crossed = True
            assert self._handed.wait(WAIT)
            raise queue.Empty
        return super().get(block, timeout)


def test_a_job_handed_as_the_waiting_thread_times_out_is_still_run() -> None:
    handed, ran = threading.Event(), []
    workers: Workers[int] = Workers(ran.append)
    workers._jobs = _TimesOutAsAJobArrives(handed)  # the queue the waiting thread reads
    workers.hand(1)
    _until(lambda: workers.waiting == 1)  # the thread ran job 1 and waits for another
    workers.hand(2)  # taken by the waiting thread: no new thread
    handed.set()
    _until(lambda: len(ran) == 2)
    assert ran == [1, 2]
    _until(lambda: workers.waiting == 1)  # it took job 2 and waits again


def test_no_job_is_lost_or_run_twice_as_jobs_and_idle_threads_cross() -> None:
    """Jobs handed from 8 threads while workers time out every millisecond: each runs once."""
    ran: list[int] = []
    lock = threading.Lock()

    def serve(job: int) -> None:
        with lock:
            ran.append(job)

    workers: Workers[int] = Workers(serve, idle=0.001)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(workers.hand, range(4000)))
    _until(lambda: len(ran) >= 4000)
    assert sorted(ran) == list(range(4000))


def test_the_server_answers_one_connection_after_another_on_one_thread(
    server: FakeServer,
) -> None:
    """werkzeug's server closes each connection after one answer; the next connection is
    served by the thread that served the last, not by a thread started for it (`_server` is
    the socketserver the fake server wraps)."""
    seen: list[int] = []
    handle = server.cloud.handle

    def spy(request: object) -> object:
        seen.append(threading.get_ident())
        return handle(request)  # type: ignore[arg-type]

    server.cloud.handle = spy  # type: ignore[method-assign, assignment]
    try:
        with requests.Session() as http:
            http.trust_env = False
            for _ in range(3):
                # the answer leaves before its thread is back waiting: wait for it to be
                _until(lambda: not seen or server._server.workers.waiting == 1)
                assert http.get(f"{server.url}/?Action=DescribeRegions", timeout=5).json()["Code"]
    finally:
        del server.cloud.handle
    assert len(seen) == 3
    assert len(set(seen)) == 1


def _until(condition: object, seconds: float = WAIT) -> None:
    """Wait until `condition()` holds, failing after `seconds`."""
    done = threading.Event()
    for _ in range(int(seconds / 0.001)):
        if condition():  # type: ignore[operator]
            return
        done.wait(0.001)
    raise AssertionError("the condition never held")


def test_closing_ends_the_waiting_threads_and_a_later_job_still_runs() -> None:
    threads: list[threading.Thread] = []
    workers: Workers[None] = Workers(lambda _: threads.append(threading.current_thread()))
    workers.hand(None)
    _until(lambda: workers.waiting == 1)
    workers.close()
    threads[0].join(WAIT)
    assert not threads[0].is_alive()
    assert workers.waiting == 0
    workers.hand(None)  # on a new thread
    _until(lambda: len(threads) == 2)
    assert threads[1] is not threads[0]


def test_stopping_the_server_ends_its_waiting_threads(server: FakeServer) -> None:
    served: list[threading.Thread] = []
    handle = server.cloud.handle

    def spy(request: object) -> object:
        served.append(threading.current_thread())
        return handle(request)  # type: ignore[arg-type]

    server.cloud.handle = spy  # type: ignore[method-assign, assignment]
    with requests.Session() as http:
        http.trust_env = False
        http.get(f"{server.url}/?Action=DescribeRegions", timeout=5)
    _until(lambda: server._server.workers.waiting == 1)
    server.stop()
    served[0].join(WAIT)
    assert not served[0].is_alive()
