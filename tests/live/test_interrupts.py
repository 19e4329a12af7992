"""Interrupted live runs leave nothing behind: a provisioning scenario runs in a child pytest
against a stand-in account, and a signal reaches it at a chosen API request; afterwards the
account holds nothing with the run's prefix.

How the points are chosen: the child's SDK calls go through a small HTTP proxy (a tripwire) in
front of the fake server. The tripwire knows each request's action and counts them, and at the
chosen one (say, the 1st CreateAccessKey) signals the child: *after* the cloud acted and before
its answer is returned (the worst case: made, and the harness never hears the id), or *before*
the request reaches the cloud (an intent with nothing behind it). The child is then blocked
in that very call, so the point is exact on any machine, however loaded; a random delay would
hit a different line each run. The points are named requests (creates, among them those whose
id only the answer brings, and removals in the teardown) plus two drawn with a fixed seed among
all the scenario's requests, so every run of the suite interrupts at the same places.

- SIGINT once (8 points): the run stops; the teardown (or, inside the teardown, the rest of
  it) removes everything, and the ledger file is gone.
- SIGINT twice (2): the second aborts the teardown, with one line per thing left and one with
  the exact cleanup command, which then removes it all.
- SIGKILL (3): nothing runs after it; `python -m harness cleanup` (ledger, or prefix) removes
  it all.
"""

from __future__ import annotations

import os
import random
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from harness.__main__ import main
from harness.backends.standin import StandIn
from tests import _children as children

from ._support import holdings, live_env, small_spec

FEATURE = """
    @windows
    Feature: a run that is interrupted
      Background:
        Given a Windows instance with the regular user "user01"
        And the password of "user01" is kept in the encrypted parameter "axtSecretPassword" in the instance's region
        And the instance has the RAM role "AxtSecretRamRole" with the policy "AxtSecretRamRolePolicy"
        And the RAM user "commandUser" with the policies "commandUserPolicy.denylist", "AliyunECSReadOnlyAccess", "AliyunOOSReadOnlyAccess" and "kmsPolicy"

      Scenario: commandUser saves a command and runs one as user01
        When commandUser saves the command "whoami" as "probe"
        And commandUser runs "whoami" on the Windows instance as "user01" with the password in "axtSecretPassword"
        Then the command succeeds as the Windows user "user01"
"""  # noqa: E501
#: How many requests the scenario makes, from its first DescribeInstances to the teardown's
#: last DeleteSecretParameter: the seeded points are drawn among them (a point the scenario
#: no longer reaches fails its test, saying so).
REQUESTS = 36
SEED = 20261201
#: Seconds the tripwire holds an answer after signalling, so the child is still inside the
#: call when the signal is handled, where it cannot see the child take the signal (no /proc).
HOLD = 0.15
#: Where Linux's /proc shows it, the tripwire holds the answer until the kernel has handed the
#: signal to the child (a handled one: the child's call is interrupted before it reads any
#: answer; SIGKILL: the child is dead), and no longer: at most this many seconds. The signal
#: goes to the child's main thread, so this holds for a call made there, as every call of the
#: scenario here is (a call on another thread, as a fleet check's on workers, would not be
#: interrupted by it at all).
TAKEN_WITHIN = 30.0
#: How often the tripwire's server looks whether it is asked to stop (socketserver's default,
#: half a second, is how long each test's teardown waited for it).
POLL = 0.02


@dataclass(frozen=True)
class Point:
    """Where the signal comes: the `nth` request of `action` (`*`: of any action), `after`
    the cloud acted on it, or before it reaches the cloud."""

    action: str
    nth: int
    after: bool = True

    def __str__(self) -> str:
        return f"{'after' if self.after else 'before'}-{self.action}#{self.nth}"


def seeded(count: int) -> list[Point]:
    """`count` requests drawn with the fixed seed among all the scenario's requests."""
    picks = random.Random(SEED).sample(range(1, REQUESTS + 1), count)
    return [Point("*", n, after) for n, after in zip(picks, (True, False) * count, strict=False)]


#: One SIGINT: inside creates (among them those whose id only the answer brings), inside the
#: teardown (the first Ctrl-C lets it finish), and two seeded: the 10th request (CreatePolicy)
#: after the cloud acts, the 16th (CreateAccessKey) before.
SIGINT_ONCE = [
    Point("CreateUser", 1),
    Point("CreateAccessKey", 1),
    Point("CreateSecretParameter", 1, after=False),
    Point("CreateCommand", 1),
    Point("DeleteCommand", 1),
    Point("DeleteUser", 1),
    *seeded(2),
]
#: SIGKILL, then `python -m harness cleanup`: by ledger, except the last, by prefix.
SIGKILL = [
    Point("AttachInstanceRamRole", 1),
    Point("CreateCommand", 1),
    Point("DetachPolicyFromUser", 2),  # inside the teardown
]


class Tripwire(ThreadingHTTPServer):
    """An HTTP proxy in front of the stand-in account that signals the child at one request
    (`signals`: one per request, from `point` on) and logs every action."""

    daemon_threads = True

    def __init__(self, upstream: str, point: Point | None, signals: list[int]) -> None:
        super().__init__(("127.0.0.1", 0), _Relay)
        self.upstream = urlsplit(upstream).netloc
        self.point = point
        self.signals = list(signals)
        self.child: int | None = None
        self.fired: list[str] = []  # the requests that got a signal
        self.untaken: list[int] = []  # signals not seen taken (see `strike`)
        self.actions: list[str] = []
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, args=(POLL,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def trip(self, action: str) -> tuple[int | None, bool]:
        """Count the request; the signal it brings (or None), and whether it comes after the
        cloud acted. A second signal comes with the request after the first's."""
        with self.lock:
            self.actions.append(action)
            self.counts[action] += 1
            point = self.point
            if point is None or not self.signals or self.child is None:
                return None, True
            if not self.fired:
                nth = len(self.actions) if point.action == "*" else self.counts[action]
                if point.action not in ("*", action) or nth != point.nth:
                    return None, True
            self.fired.append(f"{action}#{self.counts[action]}")
            return self.signals.pop(0), point.after

    def strike(self, sig: int) -> None:
        assert self.child is not None
        os.kill(self.child, sig)
        if not _taken(self.child, sig, TAKEN_WITHIN):
            self.untaken.append(sig)  # no /proc, or never taken: the point may have moved
            time.sleep(HOLD)


def _taken(pid: int, sig: int, within: float) -> bool:
    """Whether the child `pid` took `sig` within `within` seconds, by /proc/PID/status: the
    signal no longer pending for the process or its main thread (ShdPnd, SigPnd: a handler's
    signal is dequeued just before the handler runs, and a call it interrupts gives EINTR
    before it reads anything more), or for SIGKILL the process a zombie or gone. False where
    there is no such file to read, and if it never happened."""
    status = Path(f"/proc/{pid}/status")
    if not Path("/proc/self/status").exists():
        return False
    bit = 1 << (sig - 1)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (FileNotFoundError, ProcessLookupError):  # reaped before, or as, it was read
            return True  # ended, and reaped already
        if sig == signal.SIGKILL:
            if fields["State"].split()[0] in ("Z", "X"):
                return True
        elif not (int(fields["ShdPnd"], 16) | int(fields["SigPnd"], 16)) & bit:
            return True
        time.sleep(0.001)
    return False


class _Relay(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    #: An answer's head and body go out as two writes: with Nagle's algorithm on, the body
    #: waits for the child's delayed ACK of the head (some 40 ms on Linux), 36 times a run.
    disable_nagle_algorithm = True
    server: Tripwire

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _relay(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        sig, after = self.server.trip(_action(self.path, self.headers, body))
        if sig is not None and not after:
            self.server.strike(sig)  # the cloud never sees it
            self.close_connection = True
            return
        upstream = HTTPConnection(self.server.upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
        upstream.request(self.command, self.path, body, headers)
        answer = upstream.getresponse()
        data = answer.read()
        upstream.close()
        if sig is not None:
            self.server.strike(sig)
            if sig == signal.SIGKILL:
                self.close_connection = True
                return
        try:
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True  # the child stopped listening

    do_GET = do_POST = do_PUT = do_DELETE = _relay


def _action(path: str, headers: object, body: bytes) -> str:
    """The API action: V3's `x-acs-action` header, else V2's `Action` (query or form)."""
    found = getattr(headers, "get", lambda _: None)("x-acs-action")
    if found:
        return str(found)
    query = parse_qs(urlsplit(path).query)
    form = parse_qs(body.decode("utf-8", errors="replace"))
    return (query.get("Action") or form.get("Action") or ["?"])[0]


@dataclass
class Run:
    process: subprocess.CompletedProcess[str]
    tripwire: Tripwire
    ledgers: Path

    @property
    def text(self) -> str:
        return self.process.stdout[-5000:] + self.process.stderr[-2000:]


@pytest.fixture
def interrupted(account: StandIn, tmp_path: Path) -> Iterator[object]:
    """`interrupted(point, signals)`: the scenario run in a child pytest through a tripwire."""
    small_spec(tmp_path, FEATURE)
    tripwires: list[Tripwire] = []

    def run(point: Point | None, signals: list[int]) -> Run:
        tripwire = Tripwire(account.url, point, signals)
        tripwires.append(tripwire)
        # Only the plugins the spec needs: each child starts faster.
        env = live_env(
            account, tmp_path, RUNAS_ENDPOINT=tripwire.url, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"
        )
        cache = tmp_path / "cache"
        command = [sys.executable, "-m", "pytest", "-p", "pytest_bdd.plugin", "--backend", "live"]
        command += ["-o", f"cache_dir={cache}"]
        # Ctrl-C as a terminal's run takes it, however the suite was started.
        child = children.start(command, cwd=tmp_path, env=env, interruptible=True)
        tripwire.child = child.pid
        try:
            stdout, stderr = child.communicate(timeout=90)
        finally:
            child.kill()
        done = subprocess.CompletedProcess(command, child.returncode, stdout, stderr)
        # Where /proc shows it, every signal was seen taken before its answer went: else the
        # point may have moved (a blocked signal, or a child stuck elsewhere), and the test
        # would prove another point than its name says.
        assert not (tripwire.untaken and Path("/proc/self/status").exists()), tripwire.untaken
        return Run(done, tripwire, cache / "d" / "runas-ledger")

    yield run
    for tripwire in tripwires:
        tripwire.shutdown()
        tripwire.server_close()


@pytest.mark.parametrize("point", SIGINT_ONCE, ids=str)
def test_one_ctrl_c_anywhere_leaves_nothing(interrupted, account, before, point) -> None:
    run = interrupted(point, [signal.SIGINT])
    assert run.tripwire.fired, f"the scenario never made the request {point}: {run.text}"
    assert run.process.returncode == 2, run.text
    assert "Traceback" not in run.process.stderr, run.text
    assert holdings(account.state()) == before, run.text
    assert not list(run.ledgers.glob("*.jsonl")), run.text


#: Two SIGINTs: both in the teardown (the first lets it go on, the second, during DeletePolicy
#: of kmsPolicy, aborts it), or one in a step (the run stops) and one in the teardown after.
SIGINT_TWICE = [
    (Point("DetachPolicyFromUser", 1), "policy `runas-*-kmsPolicy`"),
    (Point("CreateCommand", 1), "saved command `runas-*-probe` in cn-hangzhou"),
]


@pytest.mark.parametrize(
    ("point", "first_left"), SIGINT_TWICE, ids=[str(p) for p, _ in SIGINT_TWICE]
)
def test_a_second_ctrl_c_aborts_the_teardown_and_says_how_to_finish(
    interrupted, account, before, monkeypatch, point, first_left
) -> None:
    """The second Ctrl-C aborts the teardown: one line per thing left (the first one may be
    half removed), and the command that removes them, which does."""
    run = interrupted(point, [signal.SIGINT, signal.SIGINT])
    assert len(run.tripwire.fired) == 2, run.text
    assert run.process.returncode == 2, run.text
    assert "Traceback" not in run.process.stderr, run.text
    out = run.process.stdout
    assert "interrupted: removing what the scenario created before stopping" in out, run.text
    left = [line for line in out.splitlines() if line.startswith("teardown aborted: left ")]
    assert fnmatch(left[0], f"teardown aborted: left {first_left}"), left
    assert any("RAM user `runas-" in line for line in left), left
    [command] = [line for line in out.splitlines() if line.startswith("remove what is left with: ")]
    assert holdings(account.state()) != before

    words = shlex.split(command.removeprefix("remove what is left with: "))
    assert words[:6] == ["python", "-m", "harness", "cleanup", "--ledger", words[5]]
    assert words[6:] == ["--endpoint", run.tripwire.url]
    _cleanup(monkeypatch, account, words[3:])
    assert holdings(account.state()) == before
    assert not Path(words[5]).exists()


@pytest.mark.parametrize("point", SIGKILL, ids=str)
def test_a_killed_run_is_cleaned_up_by_the_cleanup_command(
    interrupted, account, before, point, monkeypatch
) -> None:
    run = interrupted(point, [signal.SIGKILL])
    assert run.process.returncode == -signal.SIGKILL, run.text
    assert holdings(account.state()) != before
    if point is SIGKILL[-1]:
        _cleanup(monkeypatch, account, ["cleanup", "--prefix", "runas-"])
    else:
        [ledger] = run.ledgers.glob("*.jsonl")
        _cleanup(monkeypatch, account, ["cleanup", "--ledger", str(ledger)])
        assert not ledger.exists()
    assert holdings(account.state()) == before


def _cleanup(monkeypatch: pytest.MonkeyPatch, account: StandIn, args: list[str]) -> None:
    """`python -m harness cleanup ...` as the administrator, in this process (it saves a
    second child's start; the subprocess form is tested in test_provision.py)."""
    for name, value in account.credentials().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("RUNAS_ENDPOINT", account.url)
    monkeypatch.setenv("RUNAS_REGION", account.region)
    assert main(args) == 0


def _waiting_child(setup: str) -> subprocess.Popen[str]:
    """A plain child process that runs `setup`, says it is ready, and waits."""
    code = f"import signal, sys, time\n{setup}\nprint('ready', flush=True)\ntime.sleep(30)\n"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline() == "ready\n"
    return child


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc to read")
@pytest.mark.parametrize(
    ("setup", "sig", "taken"),
    [
        ("signal.signal(signal.SIGINT, lambda *_: None)", signal.SIGINT, True),
        ("signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})", signal.SIGINT, False),
        ("", signal.SIGKILL, True),
    ],
    ids=["handled", "blocked", "killed"],
)
def test_the_tripwire_sees_whether_the_child_took_its_signal(setup, sig, taken) -> None:
    """Found by review: `_taken` is what keeps each point exact; a blocked signal stays
    pending (so the test that met it fails, see `interrupted`), a handled or a killing one is
    seen taken."""
    child = _waiting_child(setup)
    try:
        os.kill(child.pid, sig)
        assert _taken(child.pid, sig, 0.5 if not taken else 10) is taken
    finally:
        child.kill()
        child.communicate(timeout=30)  # reaps it, and closes its pipe
