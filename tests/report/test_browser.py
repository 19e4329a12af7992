"""The HTML report in a real browser (Debian's chromium, headless, no driver): it loads from
the file alone, the matrix and the findings are there, and its screenshot is not blank."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from ._support import SMALL_SPEC, Written, png_pixels

pytestmark = pytest.mark.xdist_group(SMALL_SPEC)

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("CI"):
        pytest.fail("CI must have chromium: .ci/run installs it with apt-get")
    if found is None:
        pytest.skip("chromium is not installed: apt-get install -y chromium (.ci/run does)")
    return found


@dataclass(frozen=True)
class Browsed:
    """What one run of the browser on the report gave: the DOM it built, and its screenshot."""

    run: subprocess.CompletedProcess[str]
    screenshot: Path


@pytest.fixture(scope="module")
def browsed(small: Written, tmp_path_factory: pytest.TempPathFactory) -> Browsed:
    """The report opened once, from its file alone: chromium prints the DOM it built and saves
    a screenshot of the same page in one run (each start of the browser costs about a second)."""
    folder = tmp_path_factory.mktemp("browser")
    shot = folder / "report.png"
    run = subprocess.run(
        [
            _chromium(),
            *FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            "--dump-dom",
            f"--screenshot={shot}",
            "--window-size=800,700",
            (small.folder / "r.html").as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Browsed(run, shot)


def test_the_browser_finds_the_matrix_and_the_findings(browsed: Browsed):
    assert browsed.run.returncode == 0, browsed.run.stderr[-2000:]
    dom = browsed.run.stdout
    assert 'id="findings"' in dom
    assert dom.count('class="finding verdict-') == 2
    assert 'class="runas-matrix"' in dom
    assert 'id="matrix-linux"' in dom
    assert 'class="cell kind-exposed"' in dom
    assert 'class="cell kind-refused"' in dom
    assert dom.count('class="scenario verdict-') == 7


def test_the_screenshot_of_the_report_is_not_blank(browsed: Browsed):
    assert browsed.run.returncode == 0, browsed.run.stderr[-2000:]
    width, height, colours = png_pixels(browsed.screenshot.read_bytes())
    assert (width, height) == (800, 700)
    assert len(colours) > 50, "the page rendered (nearly) blank"
