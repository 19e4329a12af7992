"""A fork server for the suite's child runs (`python -m pytest ...`, `python -m harness ...`):
started once per test process by tests/_children.py, it imports what every child imports (the
SDKs' 2,300 model modules, the other libraries the fake and the harness use, and pytest itself
but none of its plugins) and then forks one child per request. A child is still a real process
of its own, with the environment, working folder, standard streams, arguments and signals the
test gives it, and it exits with its own code; only the interpreter's start and those imports
are done once instead of once per child (about 1.5 CPU-seconds each).

What the child redoes after the fork, so that nothing of the server's own start leaks into it:
its environment (and what Python reads from it at start: sys.path from PYTHONPATH, bytecode
writing, the pycache prefix, unbuffered streams, the temporary folder), and the preloaded
modules that read the environment at import (alibabacloud_credentials' auth_util, and
auth_constant's HOME, under which the SDK looks for credentials files; pytest's _argcomplete,
which sets shell completion up under `_ARGCOMPLETE`). execnet is not preloaded: it keeps
EXECNET_DEBUG as it reads it at import, and reloading it would make its classes anew. A child whose
environment asks for an interpreter started otherwise (another hash seed, warnings filters,
locale, I/O encoding: tests/_children.py `interpreter_settings`) is not forked but started
fresh. Every forked child shares the server's hash seed, so a test that compares two children
for order-independence must start them fresh (RUNAS_TEST_FRESH_CHILDREN=1). The
modules pytest rewrites are never preloaded (this project's fakes, harness and steps, which its
pytest11 entry point marks for rewriting, pytest-bdd, xdist, Hypothesis, any -p plugin): each
child imports and rewrites them as a fresh start does.

Its signal dispositions are those a fresh child of the requester's would start with: what the
requester ignores stays ignored (as across an exec: a shell's background job without job
control, or nohup, starts with Ctrl-C ignored), anything else is reset, then Python's start
(KeyboardInterrupt on SIGINT unless it is ignored; SIGPIPE and SIGXFSZ ignored).

Protocol, one JSON object a line: a request on stdin `{"token", "module", "argv", "cwd", "env",
"stdout", "stderr", "ignored", "blocked"}` (the signal numbers the requester ignores, and those
its thread blocks); on stdout `{"token", "pid"}` once forked, then `{"token", "code"}` when it
ends (`code` as subprocess gives it: negative for a signal). `{"signal", "token"}` on stdin
signals that child if the server has not reaped it yet (so never a later owner of its pid), and
nothing else, with no answer. A child is named by its token, never by its pid."""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import io
import json
import os
import runpy
import select
import signal
import sys
import tempfile
import threading
import traceback
from typing import Any, TextIO

#: Imported before any fork: what the children share (see the module's docstring for what is
#: left out, and why).
PRELOAD = (
    "alibabacloud_ecs20140526.client",
    "alibabacloud_kms20160120.client",
    "alibabacloud_oos20190601.client",
    "alibabacloud_ram20150501.client",
    "alibabacloud_resourcedirectorymaster20220419.client",
    "alibabacloud_resourcemanager20200331.client",
    "alibabacloud_sts20150401.client",
    "alibabacloud_credentials.client",
    "aiohttp",
    "aioresponses",
    "gherkin.parser",
    "jinja2",
    "jsonschema",
    "requests",
    "responses",
    "rich.console",
    "vcr",
    "werkzeug.serving",
    "yaml",
    "z3",
    # pytest and what it and its plugins use, none of which pytest rewrites: about 0.1 to 0.2
    # CPU-seconds a child (the median of 18 to 24 children running one scenario each)
    "pytest",
    "pdb",
    "faulthandler",
    "timeit",
    "tomllib",
    "mako.lookup",
    "mako.ext.pygmentplugin",
    "parse_type.cfparse",
    "aliyunsdkcore.vendored.requests.adapters",  # the legacy SDK's, which the fake patches
)

#: Modules whose import reads the environment: imported again in each child, in this order
#: (auth_constant copies HOME, through auth_util, at import; the credential providers read
#: the credentials files under it: without it a child with a HOME of its own would find the
#: fork server's, and a developer's real key in it).
READ_THE_ENVIRONMENT = (
    "alibabacloud_credentials.utils.auth_util",
    "alibabacloud_credentials.utils.auth_constant",
    "_pytest._argcomplete",  # pytest's parser imports from it when it is called, not before
)


#: What the preloaded modules read of the environment as they are imported, none of which a
#: test gives its child a value of its own for: the C extensions' and asyncio's switches, the
#: site and sysconfig paths (HOME, PATH, PYTHONPATH, PYTHONUSERBASE), the TLS key log file of
#: the default SSL context aiohttp makes, z3's library path, and App Engine's markers, which
#: the legacy SDK's vendored urllib3 reads (HOME, PATH and PYTHONPATH only from the files
#: PATHS_READ_BY names). A forked child keeps the server's values of these;
#: tests/test_children.py fails when a preload reads any other (a credential above all).
START_UP_SWITCHES = frozenset(
    {
        "AIOHTTP_NO_EXTENSIONS",
        "APPENGINE_RUNTIME",
        "FROZENLIST_NO_EXTENSIONS",
        "GAE_VM",
        "HOME",
        "MULTIDICT_NO_EXTENSIONS",
        "PATH",
        "PROPCACHE_NO_EXTENSIONS",
        "PYTHONASYNCIODEBUG",
        "PYTHONPATH",
        "PYTHONTZPATH",
        "PYTHONUSERBASE",
        "SSLKEYLOGFILE",
        "WRAPT_DISABLE_EXTENSIONS",
        "YARL_NO_EXTENSIONS",
        "Z3_LIBRARY_PATH",
        "_PYTHON_PROJECT_BASE",
        "_PYTHON_SYSCONFIGDATA_NAME",
    }
)


#: Which files may read the paths among them: sysconfig (the user site), z3 (its library), and
#: botocore, which the bench extra brings and vcr imports (its cache folder). A credentials
#: path read from HOME at import elsewhere would find the server's HOME in a child.
PATHS_READ_BY = {
    "HOME": ("/sysconfig.py", "botocore/utils.py"),
    "PATH": ("z3/z3core.py",),
    "PYTHONPATH": ("z3/z3core.py",),
}


def main() -> None:
    del sys.path[0]  # this script's folder, tests/, whose tests/fakes would hide the fake
    base_path = [p for p in sys.path if p not in _pythonpath(dict(os.environ))]
    for name in PRELOAD:
        importlib.import_module(name)
    gc.collect()
    gc.freeze()  # the preloaded objects stay out of the children's collections (and pages)
    requests = sys.stdin.buffer
    answers = sys.stdout
    running: dict[int, int] = {}  # pid -> token, until reaped
    watched: dict[int, int] = {}  # pid -> its pidfd, readable once the child has ended
    line = b""
    while True:
        polling = len(watched) < len(running)  # a child with no pidfd: look every 10 ms
        waiting = [requests, *watched.values()]
        ready, _, _ = select.select(waiting, [], [], 0.01 if polling else None)
        if requests in ready:
            chunk = os.read(requests.fileno(), 65536)
            if not chunk:
                break  # the test process went away
            line += chunk
            while b"\n" in line:
                one, line = line.split(b"\n", 1)
                request = json.loads(one)
                if "signal" in request:  # only a child not reaped yet: its pid is still its own
                    for pid, token in running.items():
                        if token == request["token"]:
                            with contextlib.suppress(OSError):  # a bad number harms no one
                                os.kill(pid, request["signal"])
                    continue
                answers.flush()
                sys.stderr.flush()
                # No signal reaches the child before it has the requester's dispositions: all
                # are blocked across the fork, and the child unblocks its requester's mask.
                unblocked = signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
                pid = os.fork()
                if pid == 0:
                    for fd in watched.values():  # its siblings' are none of its business
                        os.close(fd)
                    os._exit(_child(request, base_path))
                signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)
                running[pid] = request["token"]
                pidfd = _pidfd(pid)
                if pidfd is not None:
                    watched[pid] = pidfd
                _answer(answers, {"token": request["token"], "pid": pid})
        for pid in list(running):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                token = running.pop(pid)
                if pid in watched:
                    os.close(watched.pop(pid))
                _answer(answers, {"token": token, "code": os.waitstatus_to_exitcode(status)})


def _pidfd(pid: int) -> int | None:
    """A file descriptor that becomes readable when the child `pid` ends (Linux 5.3's
    pidfd_open), so that the server sleeps until a request comes or a child ends; None where
    there is none (another system, an older kernel), and the server then looks every 10 ms.
    Holding it does not keep the child from being reaped, and its number is never reused
    while it is open."""
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        return int(opener(pid))
    except OSError:
        return None


def _answer(answers: TextIO, message: dict[str, Any]) -> None:
    answers.write(json.dumps(message) + "\n")
    answers.flush()


def _pythonpath(env: dict[str, str]) -> list[str]:
    """sys.path's entries from PYTHONPATH, as CPython makes them: against the working folder
    (an empty entry is the folder itself)."""
    value = env.get("PYTHONPATH", "")
    return [os.path.abspath(p) for p in value.split(os.pathsep)] if value else []


def _child(request: dict[str, Any], base_path: list[str]) -> int:
    """Runs in the forked child: becomes the process `python -m MODULE ARGV...` would be."""
    try:
        env: dict[str, str] = request["env"]
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(env)
        _streams(request, unbuffered=bool(env.get("PYTHONUNBUFFERED")))
        _dispositions(set(request["ignored"]))
        signal.pthread_sigmask(signal.SIG_SETMASK, request["blocked"])  # pending ones arrive now
        sys.dont_write_bytecode = bool(env.get("PYTHONDONTWRITEBYTECODE"))
        sys.pycache_prefix = env.get("PYTHONPYCACHEPREFIX") or None
        tempfile.tempdir = None
        sys.path[:] = [os.getcwd(), *_pythonpath(env), *base_path]
        importlib.invalidate_caches()
        for name in READ_THE_ENVIRONMENT:
            if name in sys.modules:
                importlib.reload(sys.modules[name])
        sys.argv = [request["module"], *request["argv"]]
    except BaseException:
        traceback.print_exc()
        return 70
    code = _run(request["module"])
    return _finish(code)


#: What CPython's start ignores whatever it inherited (subprocess resets them before the exec).
IGNORED_BY_PYTHON = frozenset({signal.SIGPIPE, signal.SIGXFSZ})


def _dispositions(ignored: set[int]) -> None:
    """Each signal as a fresh `python` started by the requester would take it: ignored if the
    requester ignores it (an ignored signal stays ignored across an exec, a handled one is
    reset to the default) or if CPython ignores it at start; SIGINT raises KeyboardInterrupt
    (CPython's own handler, installed only over the default); any other at its default. The
    server's own dispositions are those of the process that started it, whenever that was."""
    for sig in signal.valid_signals():
        if sig in (signal.SIGKILL, signal.SIGSTOP):
            continue
        if sig in ignored or sig in IGNORED_BY_PYTHON:
            wanted: Any = signal.SIG_IGN
        elif sig == signal.SIGINT:
            wanted = signal.default_int_handler
        else:
            wanted = signal.SIG_DFL
        with contextlib.suppress(OSError, ValueError):  # one the kernel keeps for itself
            signal.signal(sig, wanted)


def _streams(request: dict[str, Any], *, unbuffered: bool) -> None:
    """File descriptors 0, 1 and 2 as the test asked, and new sys.std* over them (the old
    ones, sys.__std*__, were flushed before the fork and now write to the same files)."""
    stdin = os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    os.close(stdin)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        opened = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    sys.stdout = _writer(1, unbuffered, errors="strict")
    sys.stderr = _writer(2, True, errors="backslashreplace")


def _writer(fd: int, unbuffered: bool, *, errors: str) -> io.TextIOWrapper:
    raw = io.FileIO(fd, "w", closefd=False)
    buffered = raw if unbuffered else io.BufferedWriter(raw)
    return io.TextIOWrapper(
        buffered,
        encoding="utf-8",
        errors=errors,
        line_buffering=fd == 2,
        write_through=unbuffered,
    )


def _run(module: str) -> int:
    """`python -m module`, as the interpreter's own main would end it."""
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as leaving:
        return _exit_code(leaving.code)
    except KeyboardInterrupt:
        traceback.print_exc()
        _finish(0)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)  # as CPython ends on an uncaught Ctrl-C
        return 130
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _finish(code: int) -> int:
    """What the interpreter does before it exits: wait for threads, run atexit, flush."""
    shutdown = getattr(threading, "_shutdown", None)
    if shutdown is not None:
        shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    return code


if __name__ == "__main__":
    main()
