"""Child runs of the suite (`python -m pytest ...`, `python -m harness ...`) started from
tests/_zygote.py's fork server: a real process each, with its own environment, working folder,
output and exit code, that a test may signal or kill, but without paying the interpreter's start
and the SDK imports each time. `run` stands for `subprocess.run(..., capture_output=True,
text=True)`, `start` for `subprocess.Popen(..., stdout=PIPE, stderr=PIPE, text=True)`.

Any other command (not `python -m MODULE`), and every command when RUNAS_TEST_FRESH_CHILDREN
is set, runs through subprocess as before: the same tests then show the fork server changes
nothing but the time."""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["Child", "run", "start"]

ZYGOTE = Path(__file__).with_name("_zygote.py")


#: What the fork server sets again in each child from the child's own environment
#: (tests/_zygote.py `_child`); every other PYTHON* variable, the locale's and the hash seed
#: act only when an interpreter starts.
REDONE_IN_A_CHILD = frozenset(
    {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONUNBUFFERED"}
)


def interpreter_settings(env: Mapping[str, str]) -> dict[str, str]:
    """The variables of `env` an interpreter reads as it starts (warnings filters, hash seed,
    I/O encoding, UTF-8 and dev modes, the locale) that a forked child cannot take up: a child
    whose differ from the fork server's runs as a fresh process instead."""
    return {
        k: v
        for k, v in env.items()
        if (k.startswith(("PYTHON", "LC_")) or k == "LANG") and k not in REDONE_IN_A_CHILD
    }


class _Zygote:
    """The fork server of this process, started on first use and stopped at exit."""

    def __init__(self) -> None:
        self.settings = interpreter_settings(os.environ)
        self.process = subprocess.Popen(
            [sys.executable, str(ZYGOTE)],
            env=_server_env(os.environ),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.lock = threading.Lock()
        #: Each child is known by a token of its own, never by its pid: a pid the kernel gives
        #: again to a later child must not reach an earlier one's signals or exit code.
        self.tokens = itertools.count(1)
        self.forked: dict[int, int] = {}  # token -> pid, once forked
        self.ended: dict[int, threading.Event] = {}
        self.codes: dict[int, int] = {}
        self.pid_ready = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            message = json.loads(line)
            with self.pid_ready:
                token = int(message["token"])
                if "code" in message:
                    self.codes[token] = message["code"]
                    self.ended.setdefault(token, threading.Event()).set()
                else:
                    self.forked[token] = int(message["pid"])
                    self.pid_ready.notify_all()
        with self.pid_ready:  # the server died: nothing more will end
            self.pid_ready.notify_all()
            for event in self.ended.values():
                event.set()

    def fork(self, request: dict[str, Any]) -> tuple[int, int]:
        """The child's pid and its token."""
        assert self.process.stdin is not None
        with self.lock, self.pid_ready:
            token = next(self.tokens)
            self.ended.setdefault(token, threading.Event())
            self.process.stdin.write(json.dumps({**request, "token": token}) + "\n")
            self.process.stdin.flush()
            while token not in self.forked:
                if self.process.poll() is not None:
                    raise RuntimeError("the suite's fork server (tests/_zygote.py) died")
                self.pid_ready.wait(1)
            return self.forked.pop(token), token

    def signal(self, token: int, sig: int) -> None:
        """`sig` to the child of `token` if it is still running (an ended one, or a server that
        has died, is left alone, as Popen leaves an ended process)."""
        assert self.process.stdin is not None
        if self.ended[token].is_set() or self.process.poll() is not None:
            return
        with self.lock, contextlib.suppress(BrokenPipeError, ValueError):
            self.process.stdin.write(json.dumps({"signal": sig, "token": token}) + "\n")
            self.process.stdin.flush()

    def wait(self, token: int, timeout: float | None) -> int | None:
        if not self.ended[token].wait(timeout):
            return None
        if token not in self.codes:
            raise RuntimeError("the suite's fork server (tests/_zygote.py) died")
        return self.codes.pop(token)

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()  # the server's end of file: it leaves
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def _server_env(env: Mapping[str, str]) -> dict[str, str]:
    """The fork server's own environment: `env` without a pycache prefix, and writing no
    bytecode. What it preloads is installed modules, read from their own __pycache__ (a prefix
    would have it compile all 2,300 SDK modules again, into the prefix, whenever the prefix is
    new); each child takes up its own environment's prefix and bytecode writing (_zygote.py
    `_child`)."""
    server = {k: v for k, v in env.items() if k != "PYTHONPYCACHEPREFIX"}
    server["PYTHONDONTWRITEBYTECODE"] = "1"
    return server


_zygote: _Zygote | None = None
_zygote_lock = threading.Lock()


def _server() -> _Zygote:
    global _zygote
    with _zygote_lock:
        if _zygote is None or _zygote.process.poll() is not None:
            _zygote = _Zygote()
            atexit.register(_zygote.stop)
        return _zygote


def _module_command(command: Sequence[str]) -> tuple[str, list[str]] | None:
    """`(module, args)` of `[sys.executable, "-m", module, *args]`, else None."""
    if len(command) >= 3 and command[0] == sys.executable and command[1] == "-m":
        return command[2], list(command[3:])
    return None


def ignored_signals() -> list[int]:
    """The signals this process ignores, which a child it starts inherits ignored."""
    return sorted(int(s) for s in signal.valid_signals() if signal.getsignal(s) is signal.SIG_IGN)


@contextlib.contextmanager
def _ctrl_c_taken() -> Iterator[None]:
    """While it lasts, this process takes SIGINT (as KeyboardInterrupt) even if it was started
    with it ignored, so a child started meanwhile does not inherit it ignored. Only the main
    thread may change a handler; the suite starts its children from it."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class Child:
    """A started child, as Popen's: `pid`, `returncode`, `poll()`, `wait(timeout)`,
    `communicate(timeout)`, `send_signal(sig)`, `kill()`. Its output goes to `stdout` and
    `stderr` when given (files a test may read while it runs), else to files of its own that
    `communicate` reads and removes. It inherits the signals this process ignores, as a
    subprocess does; `interruptible` gives it Ctrl-C whatever this process does with it (a
    suite started as a background job without job control, or under nohup, ignores it)."""

    def __init__(
        self,
        command: Sequence[str],
        cwd: str | os.PathLike[str] | None,
        env: Mapping[str, str],
        outputs: tuple[Path, Path] | None = None,
        *,
        interruptible: bool = False,
    ) -> None:
        self.args = list(command)
        self.returncode: int | None = None
        self._popen: subprocess.Popen[bytes] | None = None
        self._folder: Path | None = None
        if outputs is None:
            self._folder = Path(tempfile.mkdtemp(prefix="runas-child-"))
            outputs = (self._folder / "stdout", self._folder / "stderr")
        self.outputs = outputs
        for path in outputs:  # there even if the child dies before opening them
            path.touch()
        parsed = None if os.environ.get("RUNAS_TEST_FRESH_CHILDREN") else _module_command(command)
        server = None if parsed is None else _server()
        if server is not None and interpreter_settings(env) != server.settings:
            parsed = None  # an interpreter started otherwise: only a fresh one is that
        if parsed is None or server is None:
            taken = _ctrl_c_taken() if interruptible else contextlib.nullcontext()
            with outputs[0].open("w") as out, outputs[1].open("w") as err, taken:
                popen = subprocess.Popen(self.args, cwd=cwd, env=dict(env), stdout=out, stderr=err)
            self._popen, self.pid = popen, popen.pid
            return
        module, args = parsed
        ignored = ignored_signals()
        if interruptible and signal.SIGINT in ignored:
            ignored.remove(signal.SIGINT)
        self._server = server
        self.pid, self._token = self._server.fork(
            {
                "module": module,
                "argv": args,
                "cwd": str(Path(cwd or os.getcwd()).resolve()),
                "env": dict(env),
                "stdout": str(outputs[0]),
                "stderr": str(outputs[1]),
                "ignored": ignored,
                # as a subprocess inherits the mask of the thread that starts it
                "blocked": sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])),
            }
        )

    @property
    def forked(self) -> bool:
        """Whether the child came from the fork server (else it was started fresh)."""
        return self._popen is None

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if self._popen is not None:
                self.returncode = self._popen.wait(timeout)
            else:
                self.returncode = self._server.wait(self._token, timeout)
                if self.returncode is None:
                    raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self.returncode

    def poll(self) -> int | None:
        try:
            return self.wait(0)
        except subprocess.TimeoutExpired:
            return None

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        self.wait(timeout)
        out, err = (_text(path) for path in self.outputs)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        return out, err

    def send_signal(self, sig: int) -> None:
        """As Popen's: a child that has ended is not signalled. A forked child is the fork
        server's, which signals it only while it has not reaped it (its pid could be anyone's
        after that)."""
        signal.Signals(sig)  # a number that names no signal is refused here, as a ValueError
        if self.returncode is not None:
            return
        if self._popen is not None:
            self._popen.send_signal(sig)
        else:
            self._server.signal(self._token, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _text(path: Path) -> str:
    """What `text=True` makes of a child's output: UTF-8 with universal newlines."""
    data = path.read_bytes().decode("utf-8", errors="replace")
    return data.replace("\r\n", "\n").replace("\r", "\n")


def start(
    command: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    outputs: tuple[Path, Path] | None = None,
    interruptible: bool = False,
) -> Child:
    """`subprocess.Popen(command, stdout=PIPE, stderr=PIPE, text=True)`, or with `outputs`,
    `stdout` and `stderr` to those two files (`interruptible`: see Child)."""
    env = os.environ if env is None else env
    return Child(command, cwd, env, outputs, interruptible=interruptible)


def run(
    command: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    check: bool = False,
    interruptible: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`subprocess.run(command, capture_output=True, text=True, check=check)`: on a timeout,
    the child is killed and TimeoutExpired raised, as subprocess does."""
    child = start(command, cwd=cwd, env=env, interruptible=interruptible)
    try:
        stdout, stderr = child.communicate(timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise
    assert child.returncode is not None
    done = subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)
    if check:
        done.check_returncode()
    return done
