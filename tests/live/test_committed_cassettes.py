"""The cassettes committed under features/cassettes: the whole spec replays from them offline
on a clean clone, and each says honestly what it was recorded against."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.recording import cassettes
from harness.recording.cassettes import SETTINGS_FILE
from tests._support import COMMITTED_REPLAY
from tests.report._support import Written

from ._support import ROOT, held, output, spec_scenarios

CASSETTES = ROOT / "features" / "cassettes"
FAKE_LABEL = "the fake cloud server (python -m fakes serve), not a real account"


def _cassettes() -> list[Path]:
    return sorted(CASSETTES.rglob("*.yaml"))


@functools.cache
def _texts() -> dict[Path, str]:
    """Each committed cassette's text, read once for all the tests here."""
    return {path: path.read_text() for path in _cassettes()}


@functools.cache
def _parsed() -> dict[Path, Any]:
    """Each committed cassette parsed once, as a replay parses it (libyaml when PyYAML has it:
    the same YAML, about twenty times faster than the pure-Python parser on these 5 MB)."""
    return {path: cassettes.parse_cassette(text) for path, text in _texts().items()}


def _redumped(data: dict[str, Any]) -> str:
    """A parsed cassette written again by the recorder's serializer."""
    rest = {key: value for key, value in data.items() if key != "recorded"}
    return cassettes._Format(data["recorded"]).serialize(rest)


def test_every_committed_cassette_is_written_again_byte_for_byte():
    """The serializer a recording writes with (libyaml's dumper when PyYAML has it) writes
    exactly the bytes of the committed cassettes from what a replay reads from them: changing
    loader or dumper changed no cassette, and re-recording changes only what the cloud said."""
    changed = [p.name for p, data in _parsed().items() if _redumped(data) != _texts()[p]]
    assert not changed


def test_the_pure_python_yaml_reads_and_writes_a_cassette_as_libyaml_does(monkeypatch):
    """PyYAML without libyaml falls back to its pure-Python loader and dumper: the same data
    and the same bytes (checked on the largest cassette, the most varied YAML)."""
    path = max(_texts(), key=lambda p: len(_texts()[p]))
    text = _texts()[path]
    # libyaml's reading first: _parsed() caches what it reads, which must not be filled by the
    # pure-Python loader patched in below (this test alone on a worker would compare the pure
    # loader with itself, and parse every cassette with it)
    by_libyaml = _parsed()[path]
    monkeypatch.setattr(cassettes, "_LOADER", yaml.SafeLoader)
    monkeypatch.setattr(cassettes, "_DUMPER", yaml.SafeDumper)
    data = cassettes.parse_cassette(text)
    assert data == by_libyaml
    assert _redumped(data) == text


@pytest.mark.xdist_group(COMMITTED_REPLAY)
def test_the_spec_replays_from_the_committed_cassettes(committed_replay: Written) -> None:
    """Offline, no settings, no credentials (the run tests/report/test_full_spec.py also
    reads for its evidence: tests/conftest.py makes it once)."""
    run = committed_replay.run
    assert run.returncode == 0, output(run)
    last = run.stdout.strip().splitlines()[-1]
    assert held(run.stdout) == len(_cassettes()), last
    assert f"cassettes recorded against {FAKE_LABEL}" in run.stdout


def test_every_scenario_has_a_cassette_labelled_with_its_origin():
    assert (CASSETTES / SETTINGS_FILE).is_file()
    assert len(_cassettes()) == spec_scenarios()
    # `root`, `Root` and `ROOT` stay apart on a file system that ignores case
    assert len({p.as_posix().lower() for p in _cassettes()}) == spec_scenarios()
    for path, cassette in _parsed().items():
        recorded = cassette["recorded"]
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
    holding = [p.name for p, text in _texts().items() if forbidden in text]
    assert not holding


def test_no_committed_cassette_names_an_access_key():
    key_id = re.compile(r"\b(?:LTAI[0-9A-Za-z]{12,30}|STS\.[0-9A-Za-z]{12,})")
    holding = [p.name for p, text in _texts().items() if key_id.search(text)]
    assert not holding
    assert any("<access-key-id-1>" in text for text in _texts().values())


def test_secret_values_in_committed_cassettes_are_placeholders():
    for path, cassette in _parsed().items():
        for interaction in cassette["interactions"]:
            body = interaction["response"]["body"]["string"]
            for field in ('"AccessKeySecret": "', '"Value": "', '"SecurityToken": "'):
                start = body.find(field)
                if start >= 0:
                    assert body[start + len(field) :].startswith("<scrubbed>"), path
