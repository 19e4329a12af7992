"""What the report tests share: a pytest run in a subprocess that writes all four evidence
files, the files read back, and a tiny PNG reader for the browser's screenshot."""

from __future__ import annotations

import json
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.backends.standin import StandIn, isolated_env
from tests import _children as children
from tests._support import ROOT, SPY, pytest_command

#: The xdist group of every test that reads conftest.py's `small` or `small_xdist`.
SMALL_SPEC = "small-spec"


@dataclass(eq=False)
class Written:
    """One run and the four files it wrote."""

    run: subprocess.CompletedProcess[str]
    folder: Path

    @property
    def html(self) -> str:
        return (self.folder / "r.html").read_text(encoding="utf-8")

    @property
    def bundle(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.folder / "r.json").read_text(encoding="utf-8"))
        return loaded

    @property
    def junit(self) -> ET.ElementTree:
        return ET.parse(self.folder / "j.xml")

    @property
    def cucumber(self) -> list[dict[str, Any]]:
        loaded: list[dict[str, Any]] = json.loads((self.folder / "c.json").read_text())
        return loaded

    def texts(self) -> dict[str, str]:
        return {
            name: (self.folder / name).read_text(encoding="utf-8", errors="replace")
            for name in ("r.html", "r.json", "j.xml", "c.json")
        }

    def output(self) -> str:
        return self.run.stdout[-6000:] + self.run.stderr[-3000:]

    def scenario(self, name: str, example: str = "") -> dict[str, Any]:
        found = [
            s for s in self.bundle["scenarios"] if s["name"] == name and s["example"] == example
        ]
        assert len(found) == 1, [s["name"] for s in self.bundle["scenarios"]]
        return found[0]


@dataclass(eq=False)
class Served(Written):
    """A run against a fake cloud server, and what the server held when it ended."""

    #: The server's account as `GET /_fake/state` gave it after the run.
    state: dict[str, Any]
    #: The account owner's AccessKey secret of each account the server had (a reset makes a new
    #: account): the harness signs with it as the administrator.
    root_secrets: list[str]


@dataclass(eq=False)
class Verified(Written):
    """A verify-mode run against a stand-in account, and what the account held around it
    (harness/backends/standin.py `holdings`)."""

    before: dict[str, set[str]]
    after: dict[str, set[str]]


@dataclass(eq=False)
class Provisioned(Written):
    """A provision-mode run against a stand-in account, the account, and what it held around
    the run."""

    stand_in: StandIn
    before: dict[str, set[str]]
    after: dict[str, set[str]]


def spied(folder: Path, env: dict[str, str]) -> dict[str, str]:
    """`env` with tests/_support.py's canary spy importable as the plugin `canary_spy` (it
    writes each AccessKey secret the run makes to `folder/spy/secrets-made.txt`)."""
    spy = folder / "spy"
    spy.mkdir(parents=True)
    (spy / "canary_spy.py").write_text(SPY)
    env["PYTHONPATH"] += f":{spy}"
    return env


def report_args(folder: Path) -> list[str]:
    return [
        f"--runas-report={folder / 'r.html'}",
        f"--runas-evidence={folder / 'r.json'}",
        f"--junitxml={folder / 'j.xml'}",
        f"--cucumberjson={folder / 'c.json'}",
    ]


def run_with_reports(
    folder: Path, *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> Written:
    folder.mkdir(parents=True, exist_ok=True)
    run = children.run(
        # pytest's cache (and so a live run's ledger) in the run's folder, not the checkout's
        pytest_command(*args, "-o", f"cache_dir={folder / 'cache'}", *report_args(folder)),
        cwd=cwd,
        env=env if env is not None else isolated_env(folder),
        timeout=300,
    )
    return Written(run, folder)


def png_pixels(data: bytes) -> tuple[int, int, set[bytes]]:
    """Width, height and the distinct pixel values of an 8-bit RGB or RGBA PNG (no Pillow)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8, f"unsupported PNG: depth {depth}"
    assert color in (2, 6), f"unsupported PNG: color type {color}"
    size = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * size
    previous = bytearray(stride)
    seen: set[bytes] = set()
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            left = line[x - size] if x >= size else 0
            up = previous[x]
            corner = previous[x - size] if x >= size else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + pred) & 0xFF
        if y % 4 == 0:  # every fourth row is plenty to tell a page from a blank
            seen.update(bytes(line[i : i + size]) for i in range(0, stride, size * 2))
        previous = line
    return width, height, seen
