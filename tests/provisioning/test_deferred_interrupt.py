"""The teardown's Ctrl-C handling on its own: a first SIGINT is heard and waits, a second
interrupts, the previous handler is back after, and nothing changes off the main thread."""

from __future__ import annotations

import signal
import threading

import pytest

from harness.plugin.lifecycle import first_interrupt_deferred


@pytest.fixture(autouse=True)
def pythons_own_ctrl_c():
    """These tests are about Python's own Ctrl-C handler: they have it even when the suite was
    started with Ctrl-C ignored (a background job without job control, nohup)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_an_ignored_ctrl_c_stays_ignored() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with first_interrupt_deferred(lambda: None) as was_heard:
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        signal.raise_signal(signal.SIGINT)  # ignored: nothing happens
    assert not was_heard()
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def test_a_first_ctrl_c_waits_for_the_block_to_finish() -> None:
    heard: list[str] = []
    finished = False
    with first_interrupt_deferred(lambda: heard.append("heard")) as was_heard:
        signal.raise_signal(signal.SIGINT)
        finished = True
    assert finished
    assert was_heard()
    assert heard == ["heard"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_second_ctrl_c_interrupts_the_block() -> None:
    reached: list[str] = []

    def teardown() -> None:
        with first_interrupt_deferred(lambda: None):
            signal.raise_signal(signal.SIGINT)
            signal.raise_signal(signal.SIGINT)
            reached.append("the end")

    with pytest.raises(KeyboardInterrupt):
        teardown()
    assert reached == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_without_a_ctrl_c_nothing_is_heard() -> None:
    with first_interrupt_deferred(lambda: None) as was_heard:
        pass
    assert not was_heard()


def test_someone_elses_handler_stays_in_charge() -> None:
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        with first_interrupt_deferred(lambda: None) as was_heard:
            signal.raise_signal(signal.SIGINT)
        assert caught == [signal.SIGINT]
        assert not was_heard()
    finally:
        signal.signal(signal.SIGINT, previous)


def test_off_the_main_thread_nothing_is_installed() -> None:
    seen: list[object] = []

    def teardown() -> None:
        with first_interrupt_deferred(lambda: None) as was_heard:
            seen.append(was_heard())

    worker = threading.Thread(target=teardown)
    worker.start()
    worker.join()
    assert seen == [False]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
