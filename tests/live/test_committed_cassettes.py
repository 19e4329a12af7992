"""The cassettes committed under features/cassettes: the whole spec replays from them offline
on a clean clone, and each says honestly what it was recorded against."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from harness.backends.standin import isolated_env
from harness.recording.cassettes import SETTINGS_FILE

from ._support import ROOT, held, output, run_pytest, spec_scenarios

CASSETTES = ROOT / "features" / "cassettes"
FAKE_LABEL = "the fake cloud server (python -m fakes serve), not a real account"


def _cassettes() -> list[Path]:
    return sorted(CASSETTES.rglob("*.yaml"))


def test_the_spec_replays_from_the_committed_cassettes(tmp_path):
    run = run_pytest(
        "features",
        "--backend",
        "replay",
        "-p",
        "no:cacheprovider",
        env=isolated_env(tmp_path),  # no settings, no credentials, nothing to reach
        timeout=300,
    )
    assert run.returncode == 0, output(run)
    last = run.stdout.strip().splitlines()[-1]
    assert held(run.stdout) == len(_cassettes()), last
    assert f"cassettes recorded against {FAKE_LABEL}" in run.stdout


def test_every_scenario_has_a_cassette_labelled_with_its_origin():
    assert (CASSETTES / SETTINGS_FILE).is_file()
    assert len(_cassettes()) == spec_scenarios()
    # `root`, `Root` and `ROOT` stay apart on a file system that ignores case
    assert len({p.as_posix().lower() for p in _cassettes()}) == spec_scenarios()
    for path in _cassettes():
        recorded = yaml.safe_load(path.read_text())["recorded"]
        assert recorded["against"] == FAKE_LABEL, path
        assert recorded["at"], path
        assert recorded["prefix"].startswith("runas-"), path
        assert recorded["sdk"]["alibabacloud-tea-openapi"] != "not installed", path


@pytest.mark.parametrize(
    "forbidden",
    [
        "Authorization",
        "authorization",
        "x-acs-signature-nonce",
        "x-acs-date",
        "x-acs-security-token",
        "x-acs-content-sha256",
        "Signature=",
        "SignatureNonce",
        "?AccessKeyId=",
        "&AccessKeyId=",
        "SecurityToken=",
        "Pw-",  # the stand-in's Windows passwords start so
    ],
)
def test_no_committed_cassette_holds_what_scrubbing_removes(forbidden):
    holding = [p.name for p in _cassettes() if forbidden in p.read_text()]
    assert not holding


def test_no_committed_cassette_names_an_access_key():
    key_id = re.compile(r"\b(?:LTAI[0-9A-Za-z]{12,30}|STS\.[0-9A-Za-z]{12,})")
    holding = [p.name for p in _cassettes() if key_id.search(p.read_text())]
    assert not holding
    assert any("<access-key-id-1>" in p.read_text() for p in _cassettes())


def test_secret_values_in_committed_cassettes_are_placeholders():
    for path in _cassettes():
        for interaction in yaml.safe_load(path.read_text())["interactions"]:
            body = interaction["response"]["body"]["string"]
            for field in ('"AccessKeySecret": "', '"Value": "', '"SecurityToken": "'):
                start = body.find(field)
                if start >= 0:
                    assert body[start + len(field) :].startswith("<scrubbed>"), path
