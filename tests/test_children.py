"""The suite's child runs from the fork server (tests/_children.py, tests/_zygote.py) are the
processes a fresh `python -m MODULE` would be: what the child sees of its start is the same as
through subprocess, and so are its exit code, its output, a signal's end and a timeout."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests import _children as children
from tests._zygote import PATHS_READ_BY, START_UP_SWITCHES

#: A module that says what a process sees of its own start, then leaves with a chosen code.
PROBE = """
import json, os, signal, sys, tempfile, warnings
from alibabacloud_credentials.utils import auth_constant, auth_util

print(json.dumps({
    "argv": sys.argv[1:],
    "cwd": os.getcwd(),
    "chosen": os.environ.get("PROBE_CHOSEN"),
    "key": auth_util.environment_access_key_id,
    "home": auth_constant.HOME,
    "hash": hash("seed"),
    "warnings": [str(f[0]) for f in warnings.filters[:3]],
    "path": sys.path,
    "bytecode": sys.dont_write_bytecode,
    "pycache": sys.pycache_prefix,
    "tmp": tempfile.gettempdir(),
    "name": __name__,
    "blocked": sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])),
    "signals": {
        s.name: getattr(signal.getsignal(s), "name", None) or signal.getsignal(s).__name__
        for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE)
    },
}))
print("to stderr", file=sys.stderr)
sys.exit(int(sys.argv[1]))
"""


@pytest.fixture(autouse=True)
def the_fork_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the fork server itself: they use it even in a run that starts
    every other child fresh (RUNAS_TEST_FRESH_CHILDREN=1), and set that themselves where they
    compare a forked child with a fresh one."""
    monkeypatch.delenv("RUNAS_TEST_FRESH_CHILDREN", raising=False)


def _probe(tmp_path: Path, **chosen: str) -> tuple[list[str], dict[str, str], Path]:
    (tmp_path / "probe.py").write_text(textwrap.dedent(PROBE))
    work = tmp_path / "work"
    work.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
        "PROBE_CHOSEN": "yes",
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI-the-childs-own",
        "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache"),
        "TMPDIR": str(tmp_path),
        "HOME": str(tmp_path / "home"),
        **chosen,
    }
    return [sys.executable, "-m", "probe", "3"], env, work


def test_a_forked_child_sees_its_start_as_a_fresh_python_would(tmp_path, monkeypatch):
    command, env, work = _probe(tmp_path)
    assert children.start(command, cwd=work, env=env).forked  # else fresh would meet fresh
    forked = children.run(command, cwd=work, env=env, timeout=60)
    monkeypatch.setenv("RUNAS_TEST_FRESH_CHILDREN", "1")
    fresh = children.run(command, cwd=work, env=env, timeout=60)
    assert (
        (forked.returncode, forked.stderr) == (fresh.returncode, fresh.stderr) == (3, "to stderr\n")
    )
    seen, expected = json.loads(forked.stdout), json.loads(fresh.stdout)
    assert seen["path"] == expected["path"]
    # What a fork cannot make fresh, and tests/_zygote.py says: the hash seed is the server's,
    # and the warnings filters are those of the libraries it preloaded (each child imports
    # them too; a fresh probe, which does not, has only Python's own).
    for forks_apart in ("hash", "warnings"):
        seen.pop(forks_apart), expected.pop(forks_apart)
    assert seen == expected
    assert seen["key"] == "LTAI-the-childs-own"  # read again from the child's environment
    assert seen["home"] == str(tmp_path / "home")  # where the SDK looks for credentials files
    assert (seen["chosen"], seen["cwd"], seen["name"]) == ("yes", str(work), "__main__")
    assert (seen["bytecode"], seen["tmp"]) == (False, str(tmp_path))


@pytest.fixture
def ignoring_ctrl_c_and_quit():
    """This process as a shell's background job without job control starts it: SIGINT and
    SIGQUIT ignored (the suite's tests run in the main thread, which may change them)."""
    before = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGQUIT)}
    yield
    for sig, handler in before.items():
        signal.signal(sig, handler)


def test_a_forked_child_ignores_what_a_fresh_one_would_inherit_ignored(
    tmp_path, monkeypatch, ignoring_ctrl_c_and_quit
):
    """Found when the suite ran as a background job: a fork server keeps the dispositions of
    the moment it started, so its children must take the requester's of the moment they
    start, as a fresh child does."""
    command, env, work = _probe(tmp_path)
    forked = json.loads(children.run(command, cwd=work, env=env, timeout=60).stdout)
    taking = json.loads(
        children.run(command, cwd=work, env=env, timeout=60, interruptible=True).stdout
    )
    monkeypatch.setenv("RUNAS_TEST_FRESH_CHILDREN", "1")
    fresh = json.loads(children.run(command, cwd=work, env=env, timeout=60).stdout)
    fresh_taking = json.loads(
        children.run(command, cwd=work, env=env, timeout=60, interruptible=True).stdout
    )
    assert forked["signals"] == fresh["signals"]
    # What this process ignores besides (nohup ignores SIGHUP) stays ignored too.
    as_here = {
        s.name: "SIG_IGN" if signal.getsignal(s) is signal.SIG_IGN else "SIG_DFL"
        for s in (signal.SIGTERM, signal.SIGHUP)
    }
    assert forked["signals"] == {
        "SIGINT": "SIG_IGN",
        "SIGQUIT": "SIG_IGN",
        **as_here,
        "SIGPIPE": "SIG_IGN",
    }
    assert taking["signals"] == fresh_taking["signals"]
    assert taking["signals"]["SIGINT"] == "default_int_handler"
    assert taking["signals"]["SIGQUIT"] == "SIG_IGN"
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # this process is left as it was


def test_a_forked_child_blocks_what_a_fresh_one_would_inherit_blocked(tmp_path, monkeypatch):
    """A subprocess inherits the signal mask of the thread that starts it; so does a forked
    child (and the server blocks every signal across the fork, so none arrives before the
    child has its dispositions)."""
    command, env, work = _probe(tmp_path)
    before = signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
    try:
        forked = json.loads(children.run(command, cwd=work, env=env, timeout=60).stdout)
        monkeypatch.setenv("RUNAS_TEST_FRESH_CHILDREN", "1")
        fresh = json.loads(children.run(command, cwd=work, env=env, timeout=60).stdout)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
    assert forked["blocked"] == fresh["blocked"]
    assert int(signal.SIGUSR1) in forked["blocked"]
    unblocked = json.loads(children.run(command, cwd=work, env=env, timeout=60).stdout)
    assert int(signal.SIGUSR1) not in unblocked["blocked"]


def test_what_python_reads_from_the_environment_follows_each_childs(tmp_path):
    command, env, work = _probe(tmp_path, PYTHONDONTWRITEBYTECODE="1")
    env.pop("ALIBABA_CLOUD_ACCESS_KEY_ID")
    seen = json.loads(children.run(command, cwd=work, env=env, timeout=60).stdout)
    assert seen["key"] is None
    assert seen["bytecode"] is True


def test_a_child_started_otherwise_is_a_fresh_process(tmp_path, monkeypatch):
    """A hash seed or warnings filters of its own take effect only as an interpreter starts:
    such a child is not forked, and sees what a fresh start gives."""
    command, env, work = _probe(tmp_path, PYTHONHASHSEED="0", PYTHONWARNINGS="error")
    forked = json.loads(children.run(command, cwd=work, env=env, timeout=60).stdout)
    monkeypatch.setenv("RUNAS_TEST_FRESH_CHILDREN", "1")
    fresh = json.loads(children.run(command, cwd=work, env=env, timeout=60).stdout)
    assert forked == fresh
    assert forked["warnings"][0] == "error"


def test_a_killed_child_ends_by_its_signal(tmp_path):
    (tmp_path / "sleeper.py").write_text("import time\nprint('up', flush=True)\ntime.sleep(60)\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    child = children.start([sys.executable, "-m", "sleeper"], cwd=tmp_path, env=env)
    assert child.forked
    child.kill()
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL


def test_an_ended_child_is_never_signalled_and_a_running_one_is_untouched(tmp_path):
    """The fork server signals a child by its token, only while it has not reaped it: a
    signal to one that ended (its pid free for anyone, a later child included) does nothing."""
    (tmp_path / "quick.py").write_text("raise SystemExit(4)\n")
    (tmp_path / "sleeper.py").write_text("import time\ntime.sleep(1)\nraise SystemExit(6)\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    ended = children.start([sys.executable, "-m", "quick"], cwd=tmp_path, env=env)
    assert ended._server.ended[ended._token].wait(30)  # reaped, not yet waited for
    running = children.start([sys.executable, "-m", "sleeper"], cwd=tmp_path, env=env)
    ended.kill()
    ended.send_signal(signal.SIGTERM)
    assert running.communicate(timeout=30) is not None
    assert (ended.wait(5), running.returncode) == (4, 6)
    with pytest.raises(ValueError, match="999"):
        running.send_signal(999)  # no such signal: refused here, the server untouched


def test_an_uncaught_ctrl_c_ends_the_child_as_cpython_does(tmp_path):
    """A traceback, then the end by SIGINT itself (what a shell reads as 130), whether or not
    the suite was started with Ctrl-C ignored."""
    (tmp_path / "stopped.py").write_text(
        "import os, signal, time\nos.kill(os.getpid(), signal.SIGINT)\ntime.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    stopped = [sys.executable, "-m", "stopped"]
    done = children.run(stopped, cwd=tmp_path, env=env, timeout=30, interruptible=True)
    assert done.returncode == -signal.SIGINT
    assert "KeyboardInterrupt" in done.stderr


def test_a_child_past_its_timeout_is_killed_and_the_timeout_raised(tmp_path):
    (tmp_path / "sleeper.py").write_text("import time\ntime.sleep(60)\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    began = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        children.run([sys.executable, "-m", "sleeper"], cwd=tmp_path, env=env, timeout=0.5)
    assert time.monotonic() - began < 30  # killed, not waited out


def test_a_command_that_is_not_python_m_runs_through_subprocess(tmp_path):
    done = children.run([sys.executable, "-c", "print(2 + 2)"], cwd=tmp_path, check=True)
    assert done.stdout == "4\n"
    with pytest.raises(subprocess.CalledProcessError):
        children.run([sys.executable, "-c", "raise SystemExit(5)"], cwd=tmp_path, check=True)


#: Imports what the fork server preloads (and any module named after the folder), in a fresh
#: interpreter, logging each environment variable read meanwhile and the file that read it
#: (past os, posixpath and the mapping helpers); the modules the server imports again in each
#: child are imported first.
PRELOAD_SPY = """
import importlib, json, os, sys, traceback
sys.path.insert(0, sys.argv[1])
import _zygote
for name in _zygote.READ_THE_ENVIRONMENT:
    importlib.import_module(name)
HELPERS = ("os.py", "posixpath", "_collections_abc", "importlib", "<frozen")
read = set()
get = os._Environ.__getitem__
def spy(self, key):
    frames = [f.filename for f in traceback.extract_stack()[:-1]]
    callers = [f for f in frames if not any(h in f for h in HELPERS)]
    read.add((key, "/".join(callers[-1].split(os.sep)[-2:]) if callers else "?"))
    return get(self, key)
os._Environ.__getitem__ = spy
for name in (*_zygote.PRELOAD, *sys.argv[2:]):
    importlib.import_module(name)
os._Environ.__getitem__ = get
print(json.dumps(sorted(read)))
"""


def _read_by_preloads(*more: str, folder: Path | None = None) -> set[tuple[str, str]]:
    tests = str(Path(children.__file__).parent)
    env = {**os.environ, "PYTHONPATH": str(folder)} if folder else None
    command = [sys.executable, "-c", PRELOAD_SPY, tests, *more]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return {(key, reader) for key, reader in json.loads(done.stdout)}


def _not_allowed(read: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {
        (key, reader)
        for key, reader in read
        if key not in START_UP_SWITCHES
        or (key in PATHS_READ_BY and not reader.endswith(PATHS_READ_BY[key]))
    }


#: A module a careless preload could be: it reads a credential and HOME as it is imported.
GREEDY = (
    "import os\nKEY = os.environ.get('ALIBABA_CLOUD_ACCESS_KEY_ID')\n"
    "CREDENTIALS = os.path.join(os.environ.get('HOME', ''), '.alibabacloud')\n"
)


@pytest.fixture(scope="module")
def read_by_preloads(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str]]:
    """What the preloads read of the environment, and then what `greedy` (GREEDY) reads: one
    spied interpreter importing them all (about 1.4 CPU-seconds each), imported in that order,
    so the preloads' own reads are the same as without it."""
    folder = tmp_path_factory.mktemp("greedy")
    (folder / "greedy.py").write_text(GREEDY)
    return _read_by_preloads("greedy", folder=folder)


def _by_greedy(read: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(key, reader) for key, reader in read if reader.endswith("/greedy.py")}


@pytest.mark.xdist_group("preload-spy")  # one spied interpreter serves both
def test_the_preloaded_modules_read_only_start_up_switches_of_the_environment(read_by_preloads):
    """A forked child keeps what the server's imports read of the environment: found by
    review, a preload may read only what tests/_zygote.py names (never a credential, a run-as
    setting or anything a test gives its child), and HOME, PATH and PYTHONPATH only from the
    files it names, else it must be imported again per child. The spy sees Python's reads,
    not a C library's getenv."""
    read = read_by_preloads - _by_greedy(read_by_preloads)
    assert read, "the spy saw nothing: it does not work"
    assert not _not_allowed(read), sorted(_not_allowed(read))


@pytest.mark.xdist_group("preload-spy")  # one spied interpreter serves both
def test_the_spy_catches_a_preload_that_reads_a_credential_or_home(read_by_preloads):
    caught = _not_allowed(read_by_preloads)
    assert {key for key, _ in caught} == {"ALIBABA_CLOUD_ACCESS_KEY_ID", "HOME"}
    assert caught == _by_greedy(caught)


def test_a_forked_child_holds_no_file_of_the_servers_while_others_run(tmp_path, monkeypatch):
    """The fork server watches each running child through a file of its own (a pidfd, where
    Linux has them): a child forked while others run holds none of them, as a fresh child
    holds none of its parent's pipes."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("no /proc/self/fd to list a process's files with")
    (tmp_path / "sleeper.py").write_text("import time\ntime.sleep(60)\n")
    (tmp_path / "files.py").write_text(
        "import os\nprint(sorted(int(fd) for fd in os.listdir('/proc/self/fd')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    running = [children.start([sys.executable, "-m", "sleeper"], cwd=tmp_path, env=env)]
    running.append(children.start([sys.executable, "-m", "sleeper"], cwd=tmp_path, env=env))
    try:
        forked = children.run([sys.executable, "-m", "files"], cwd=tmp_path, env=env, timeout=60)
        watched = _pidfds(children._server().process.pid)
        monkeypatch.setenv("RUNAS_TEST_FRESH_CHILDREN", "1")
        fresh = children.run([sys.executable, "-m", "files"], cwd=tmp_path, env=env, timeout=60)
    finally:
        for child in running:
            child.kill()
            child.communicate(timeout=30)
    assert all(child.forked for child in running)
    assert forked.stdout == fresh.stdout == "[0, 1, 2, 3]\n"  # 3: the listing's own
    if _has_pidfds():
        # found by review: the test above would pass if the server held no pidfd at all (and
        # polled every 10 ms again); while the two sleepers ran, it held one for each
        assert len(watched) == 2, watched


def _pidfds(pid: int) -> list[str]:
    """The pidfds process `pid` holds (Linux names their target `anon_inode:[pidfd]`)."""
    fds = Path(f"/proc/{pid}/fd")
    return [fd.name for fd in fds.iterdir() if os.readlink(fd) == "anon_inode:[pidfd]"]


def _has_pidfds() -> bool:
    """Whether this system gives pidfds (Linux 5.3 and later, unless a seccomp profile says
    no): where it does not, the fork server looks every 10 ms instead, as designed."""
    try:
        os.close(os.pidfd_open(os.getpid()))
    except (AttributeError, OSError):
        return False
    return True
