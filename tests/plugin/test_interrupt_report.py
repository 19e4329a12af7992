"""A Ctrl-C's report: pytest prints one line naming where the run was interrupted, and turned
the whole traceback into text first, before any teardown ran. The plugin keeps only the frame
that line names (the line is the same); `--full-trace` keeps every frame."""

from __future__ import annotations

import pytest

from ._support import CONFTEST

pytest_plugins = ["pytester"]

INTERRUPTED = """\
def deepest():
    raise KeyboardInterrupt

def middle():
    deepest()

def test_interrupted():
    middle()
"""
RAISED_AT = INTERRUPTED.splitlines().index("    raise KeyboardInterrupt") + 1
#: A conftest hook after the plugin's: how many frames pytest will turn into text.
COUNTS_FRAMES = """
import pytest

@pytest.hookimpl(trylast=True)
def pytest_keyboard_interrupt(excinfo):
    with open("frames.txt", "w") as out:
        out.write(str(len(excinfo.traceback)))
"""


def _run(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, int]:
    """The project's run in this process (its Ctrl-C ends that run, not this one), and the
    frames its report was made of."""
    pytester.makeconftest(CONFTEST + COUNTS_FRAMES)
    pytester.makepyfile(test_ctrl_c=INTERRUPTED)
    result = pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        *args,
        no_reraise_ctrlc=True,
    )
    return result, int((pytester.path / "frames.txt").read_text())


def test_the_interrupt_line_names_its_frame_and_only_that_frame_is_reported(
    pytester: pytest.Pytester,
) -> None:
    result, frames = _run(pytester)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines([f"*test_ctrl_c.py:{RAISED_AT}: KeyboardInterrupt"])
    assert frames == 1


def test_full_trace_keeps_and_shows_every_frame(pytester: pytest.Pytester) -> None:
    result, frames = _run(pytester, "--full-trace")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert frames > 3
    text = result.stdout.str()
    for shown in ("def test_interrupted", "def middle", "def deepest"):
        assert shown in text
