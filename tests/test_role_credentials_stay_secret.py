"""The instance role's credentials that a scenario reads from the metadata service never reach
a report, an evidence file, the terminal or a cassette: a spy keeps each AccessKeySecret and
SecurityToken the harness parsed, and none of them is in anything the runs wrote. The runs
still show that the credentials were read (masked) and used (the finding holds on replay)."""

from __future__ import annotations

import base64
import binascii
import re
import sys
from pathlib import Path

import pytest

from harness.backends.standin import isolated_env
from tests import _children as children

from ._support import ROOT
from .report._support import Written, run_with_reports

#: Spies on the credentials the harness parses: secret and token go to `secrets-read.txt`.
SPY = """
from pathlib import Path

import harness.metadata

_parse = harness.metadata.RoleCredentials.parse.__func__


def _spy(cls, role, output):
    credentials = _parse(cls, role, output)
    with Path(__file__).with_name("secrets-read.txt").open("a") as out:
        out.write(credentials.secret + "\\n" + credentials.token + "\\n")
    return credentials


harness.metadata.RoleCredentials.parse = classmethod(_spy)
"""
SCENARIOS = ("features/paths_to_root/test_paths_to_root.py", "-k", "rampassrole_commanduser")


def _spied_env(folder: Path) -> dict[str, str]:
    spy = folder / "spy"
    spy.mkdir(parents=True, exist_ok=True)
    (spy / "role_spy.py").write_text(SPY)
    env = isolated_env(folder)
    env["PYTHONPATH"] += f":{spy}"
    return env


def _read(folder: Path) -> list[str]:
    made = (folder / "spy" / "secrets-read.txt").read_text().split()
    assert len(made) >= 4  # a secret and a token per scenario, two scenarios
    return made


_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")


def _decoded(text: str) -> str:
    """`text` and what every Base64 run in it decodes to (a command's Output travels so)."""
    found = [text]
    for run in _BASE64.findall(text):
        try:
            found.append(base64.b64decode(run + "=" * (-len(run) % 4)).decode("utf-8", "replace"))
        except (binascii.Error, ValueError):
            continue
    return "\n".join(found)


def _leaks(texts: dict[str, str], secrets: list[str]) -> list[tuple[str, str]]:
    plain = {name: _decoded(text) for name, text in texts.items()}
    return [(name, s[:4]) for name, text in plain.items() for s in secrets if s in text]


@pytest.fixture(scope="module")
def on_the_fake(tmp_path_factory: pytest.TempPathFactory) -> Written:
    tmp = tmp_path_factory.mktemp("fake")
    return run_with_reports(tmp, *SCENARIOS, "-p", "role_spy", "-rA", env=_spied_env(tmp))


def test_the_reports_show_the_credentials_were_read_but_no_secret(on_the_fake: Written) -> None:
    run = on_the_fake.run
    assert run.returncode == 0, on_the_fake.output()
    assert "2 finding" in run.stdout
    texts = {**on_the_fake.texts(), "stdout": run.stdout, "stderr": run.stderr}
    leaks = _leaks(texts, _read(on_the_fake.folder))
    assert not leaks
    assert '\\"AccessKeySecret\\": \\"***\\"' in texts["r.json"]  # the masked run is shown
    assert "security-credentials/EcsOperatorRole" in texts["r.json"]


def test_recorded_cassettes_keep_no_secret_and_still_replay(tmp_path: Path) -> None:
    cassettes = tmp_path / "cassettes"
    env = _spied_env(tmp_path)
    command = [sys.executable, "-m", "harness", "record-against-fake", "--cassettes"]
    recorded = children.run(
        [
            *command,
            str(cassettes),
            "--",
            *SCENARIOS[1:],
            "-p",
            "role_spy",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert recorded.returncode == 0, recorded.stdout[-3000:] + recorded.stderr[-2000:]
    written = {str(p): p.read_text() for p in cassettes.rglob("*") if p.is_file()}
    assert written
    leaks = _leaks(written, _read(tmp_path))
    assert not leaks
    replay = run_with_reports(
        tmp_path / "replay",
        *SCENARIOS,
        "--backend",
        "replay",
        env=isolated_env(tmp_path, RUNAS_CASSETTES=str(cassettes)),
    )
    assert replay.run.returncode == 0, replay.output()
    assert "2 finding" in replay.run.stdout
