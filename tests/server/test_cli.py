"""`python -m fakes serve`: prints where it listens, serves, and stops cleanly on a signal."""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest

from fakes import serve
from fakes.__main__ import _parser as cli_parser
from tests import _children as children

ROOT = Path(__file__).resolve().parents[2]
URL = re.compile(r"http://127\.0\.0\.1:(\d+)")


class Cli:
    """`python -m fakes serve ...` in a child process (from the suite's fork server), its
    output going to files a test can read."""

    def __init__(self, folder, *args):
        self.out, self.err = folder / "out.txt", folder / "err.txt"
        path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
        self.process = children.start(
            [sys.executable, "-m", "fakes", "serve", *args],
            env={**os.environ, "PYTHONPATH": path},
            cwd=ROOT,
            outputs=(self.out, self.err),
        )

    def url(self, deadline=15.0):
        """The URL the server printed; bounded, so a server that never starts fails the test."""
        end = time.monotonic() + deadline
        while time.monotonic() < end and self.process.poll() is None:
            match = URL.search(self.out.read_text())
            if match:
                return match.group(0)
            time.sleep(0.05)
        raise AssertionError(f"no URL printed: {self.out.read_text()!r} {self.err.read_text()!r}")

    def finish(self, timeout=15.0):
        try:
            self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        return self.process.returncode, self.out.read_text(), self.err.read_text()


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_cli_serves_and_stops_cleanly(tmp_path, http, stop_with):
    cli = Cli(tmp_path, "--port", "0", "--region", "cn-shanghai")
    try:
        url = cli.url()
        account = http.get(f"{url}/_fake/account", timeout=5).json()
        cli.process.send_signal(stop_with)
    finally:
        code, printed, err = cli.finish()
    assert code == 0, err
    assert printed.startswith(f"fake cloud listening on {url} (default region cn-shanghai)\n")
    assert account["RootAccessKeyId"] in printed
    assert account["RootAccessKeySecret"] not in printed + err
    assert "/_fake/account" in printed
    assert printed.rstrip().endswith("fake cloud stopped")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--port", "70000"], "`70000` is not a port"),
        (["--host", "192.0.2.1", "--port", "0"], "cannot listen on 192.0.2.1:0"),
        (["--invocation-limit", "-3"], "`-3` is not a count"),
    ],
)
def test_the_cli_explains_what_it_cannot_do(tmp_path, args, says):
    code, _, err = Cli(tmp_path, *args).finish()
    assert code == 2
    assert says in err
    assert "Traceback" not in err


def test_only_an_explicit_host_may_leave_loopback():
    with pytest.raises(
        ValueError, match=r"refusing to listen on `0\.0\.0\.0`: it is not a loopback"
    ):
        serve("0.0.0.0", 0)


@pytest.mark.parametrize(("given", "kept"), [([], 10_000), (["5"], 5), (["0"], None)])
def test_the_cli_caps_the_invocations_kept(given, kept):
    args = ["serve", *(["--invocation-limit", *given] if given else [])]
    assert cli_parser().parse_args(args).invocation_limit == kept
