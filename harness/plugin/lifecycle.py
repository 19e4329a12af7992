"""A scenario's life: a live run starts once after collection (settings and credentials checked
before any call), each scenario gets a `world` on a started backend, and everything it created
is removed after, also when it fails or the run is interrupted (the ledger file remembers).

Ctrl-C: during a scenario, it stops the scenario and the run, and the teardown still removes
what the scenario created; during the teardown, a first Ctrl-C waits for the teardown to finish
(then the run stops), and a second one aborts it, saying what is left and the command that
removes it."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from harness.backends.base import Backend
from harness.backends.fake import control, open_fake
from harness.backends.live import missing_settings
from harness.backends.run import LiveRun
from harness.config.settings import Settings
from harness.errors import HarnessError
from harness.plugin import keys
from harness.provisioning.cleanup_command import command_line
from harness.provisioning.ledger import UnwindAborted
from harness.provisioning.verify import check_applicable
from harness.sdk.clients import sts_client
from harness.world import World


class BriefInterrupt:
    """pytest turns a Ctrl-C's whole traceback into text (every frame's source read, the ECS
    SDK's 40,000-line client among them) before any teardown runs, to print one line of it:
    up to two seconds before the teardown that removes what the scenario created even starts.
    Without --full-trace, only the frame that line names is kept."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        visible = excinfo.traceback.filter(excinfo)
        if len(visible):
            excinfo.traceback = visible[-1:]


def pytest_configure(config: pytest.Config) -> None:
    if not config.option.fulltrace:
        config.pluginmanager.register(BriefInterrupt(), "runas-brief-interrupt")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Before any call: a fake server must answer, and a live run checks its settings and
    credentials, naming everything missing in one message."""
    config = session.config
    chosen = config.stash[keys.SETTINGS]
    scenarios = [item for item in session.items if keys.is_scenario(item)]
    if not scenarios:
        return
    if chosen.backend == "fake":
        if chosen.fake_endpoint:
            _check_server(config, chosen.fake_endpoint)
        return
    if keys.is_xdist_worker(config):
        raise pytest.UsageError(
            f"backend `{chosen.backend}` runs every scenario on the same instances, and "
            "parallel workers would see each other's commands: drop -n"
        )
    if chosen.backend != "replay":
        oses = {
            label
            for item in scenarios
            for label in ("Linux", "Windows")
            if item.get_closest_marker(label.lower())
        }
        missing = missing_settings(chosen, oses)
        if missing:
            raise pytest.UsageError(
                f"backend `{chosen.backend}` cannot start, {len(missing)} setting(s) missing: "
                + "; ".join(f"({n}) {m}" for n, m in enumerate(missing, 1))
            )
    config.stash[keys.LIVE] = LiveRun.start(
        chosen,
        ledger_dir=_ledger_dir(config),
        progress=_progress(config),
        replay_mode=config.stash.get(keys.REPLAY, ("provision", ""))[0],
    )


def _check_server(config: pytest.Config, url: str) -> None:
    """The fake cloud server hosts one run at a time and must be up: fail once, at start."""
    if keys.is_xdist_worker(config):
        raise pytest.UsageError(
            f"the fake cloud server at `{url}` hosts one run at a time, and parallel workers "
            "would reset each other's account: drop -n, or run without --fake-endpoint"
        )
    try:
        control(url, "GET", "account")
    except HarnessError as e:
        raise pytest.UsageError(str(e)) from None


def _ledger_dir(config: pytest.Config) -> Path:
    cache = getattr(config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir("runas-ledger"))
    return config.rootpath / ".pytest_cache" / "d" / "runas-ledger"


def _progress(config: pytest.Config) -> Callable[[str], None] | None:
    """One line on the terminal per poll, shown even while output is captured."""
    terminal = _terminal(config)
    if terminal is None:
        return None
    return lambda line: terminal(f"    ... {line}")


def _terminal(config: pytest.Config) -> Callable[[str], None] | None:
    """Write one line on the terminal, even while output is captured."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return None

    def show(line: str) -> None:
        quiet = capture.global_and_fixture_disabled() if capture is not None else nullcontext()
        with quiet:
            reporter.write_line(line)

    return show


def _say(config: pytest.Config, line: str) -> None:
    terminal = _terminal(config)
    if terminal is not None:
        terminal(line)


def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    request.node.stash[keys.FEATURE] = str(feature.rel_filename)


def pytest_bdd_before_step(
    request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any
) -> None:
    """Before the first action of a verify-mode scenario: does it apply to this account?"""
    node = request.node
    state = node.stash.get(keys.WORLD, None)
    if step.type != "when" or state is None or node.stash.get(keys.ACTED, False):
        return
    node.stash[keys.ACTED] = True
    if state.account.verifies:
        check_applicable(state.scene.instances, state.scene.established)


@pytest.fixture
def world(request: pytest.FixtureRequest, runas_settings: Settings) -> Iterator[World]:
    """One scenario's state on a started backend; everything it created is removed after,
    also when the scenario fails or the run is interrupted (the ledger file remembers)."""
    node, config = request.node, request.config
    run = config.stash.get(keys.LIVE, None)
    if run is None:
        scenario: Any = nullcontext((open_fake(runas_settings), None))
    else:
        scenario = run.scenario(node.stash.get(keys.FEATURE, node.nodeid), node.name)
    with scenario as (backend, scrubber):
        state = _start(node, runas_settings, backend, run)
        try:
            if scrubber is not None:
                _introduce_account(state)
            yield state
        finally:
            # A Ctrl-C stopped the run: these are the session's last teardowns.
            interrupted = request.session.exitstatus == pytest.ExitCode.INTERRUPTED
            if interrupted and state.ledger.entries:
                _say(config, FINISHING)
            try:
                problems = state.ledger.unwind()
            except UnwindAborted as aborted:
                for line in _left_behind(state, aborted):
                    _say(config, line)
                if not interrupted:
                    raise  # the run stops here, as the second Ctrl-C asks
                problems = []  # the run is stopping already: the lines above say what is left
            backend.stop()
            if problems:
                raise HarnessError("; ".join(problems) + _remove_later(state))


def _left_behind(state: World, aborted: UnwindAborted) -> list[str]:
    """One line per thing the aborted teardown left, and one with the command that removes it."""
    lines = [f"teardown aborted: left {resource.describe()}" for resource in aborted.left]
    ledger = state.ledger.file
    if ledger is not None and aborted.left:
        lines.append(f"remove what is left with: {command_line(ledger.path, state.settings)}")
    return lines


def _remove_later(state: World) -> str:
    ledger = state.ledger.file
    if ledger is None:
        return ""
    return f": once that is fixed, `{command_line(ledger.path, state.settings)}` removes it"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    """While a scenario's teardown removes what it created, a first Ctrl-C only waits for it
    (then the run stops), and a second aborts it (the world fixture says what is left)."""
    state = item.stash.get(keys.WORLD, None)
    if state is None or not state.ledger.entries:
        return (yield)
    config = item.config
    with first_interrupt_deferred(lambda: _say(config, FINISHING)) as heard:
        try:
            return (yield)
        finally:
            if heard():
                item.session.shouldstop = "Ctrl-C: stopped once the scenario's teardown was done"


FINISHING = (
    "interrupted: removing what the scenario created before stopping (Ctrl-C again leaves it "
    "in the account)"
)


@contextmanager
def first_interrupt_deferred(notify: Callable[[], None]) -> Iterator[Callable[[], bool]]:
    """Inside the block, a first SIGINT only calls `notify` and is remembered (the block
    yields whether one was heard); a second raises KeyboardInterrupt as usual. The previous
    handler is back after the block. Only in the main thread, where Python runs signal
    handlers, and only over Python's own handler (someone else's stays in charge)."""
    heard = False
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield lambda: heard
        return

    def defer(signum: int, frame: FrameType | None) -> None:
        nonlocal heard
        if heard:
            raise KeyboardInterrupt
        heard = True
        notify()

    previous = signal.signal(signal.SIGINT, defer)
    try:
        yield lambda: heard
    finally:
        signal.signal(signal.SIGINT, previous)


def _start(node: pytest.Item, settings: Settings, backend: Backend, run: LiveRun | None) -> World:
    account = backend.start()
    state = World(settings, backend, account)
    state.ledger.scenario = node.nodeid
    state.ledger.file = run.ledger if run is not None else None
    node.stash[keys.WORLD] = state
    return state


def _introduce_account(state: World) -> None:
    """Recording: the first call names the account, so its id is scrubbed from every answer."""
    observer = state.account.observer
    client = sts_client(observer, state.settings.region, state.account.endpoint)
    state.gateway.call(observer.name, client.get_caller_identity)


@pytest.hookimpl(trylast=True)  # after an interrupted scenario's teardown has unwound it
def pytest_sessionfinish(session: pytest.Session) -> None:
    run = session.config.stash.get(keys.LIVE, None)
    if run is not None:
        run.finish()
