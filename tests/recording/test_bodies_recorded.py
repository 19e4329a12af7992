"""A request whose body is sent as a file, an iterator or a bytearray (as `requests` allows)
is recorded as one sent as bytes is: scrubbed, written to the cassette as bytes, and played
back. Found by review: vcrpy hands such a body back as a BytesIO or an iterator, which the
scrubber let through unscrubbed and the cassette's YAML could not hold, so recording failed."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from fakes import serve
from harness.recording.cassettes import parse_cassette, scenario_cassette

FORM = b"Action=X&Value=Pw-secret&Signature=abc&AccessKeyId=LTAI" + b"0" * 20


@pytest.fixture
def url() -> Iterator[str]:
    """The fake cloud server: it answers this unsigned form with its error envelope, which is
    as good an answer to record and play back as any."""
    with serve() as server:
        yield server.url + "/"


BODIES = {
    "bytes": lambda: FORM,
    "file": lambda: io.BytesIO(FORM),
    "iterator": lambda: iter([FORM[:10], FORM[10:]]),
    "bytearray": lambda: bytearray(FORM),
}
#: requests frames each shape itself: a length for bytes and files, chunks for an iterator.
HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize("shape", sorted(BODIES))
def test_the_body_is_recorded_scrubbed_and_played_back(url: str, tmp_path: Path, shape: str):
    cassette = tmp_path / "c.yaml"
    with scenario_cassette(cassette, record=True, recorded={"prefix": "t"}):
        answer = requests.post(url, data=BODIES[shape](), headers=HEADERS, timeout=5).json()
    assert answer["Code"] == "MissingParameter"  # the server's envelope: no Version sent
    text = cassette.read_text()
    assert "Pw-secret" not in text
    assert "LTAI" + "0" * 20 not in text
    [interaction] = parse_cassette(text)["interactions"]
    # as a body sent as bytes is written: vcrpy writes a body that is text as text
    assert interaction["request"]["body"] == "Action=X&Value=%3Cscrubbed%3E"
    with scenario_cassette(cassette, record=False):
        replayed = requests.post(url, data=BODIES[shape](), headers=HEADERS, timeout=5)
        assert replayed.json() == answer  # its RequestId too: the cassette's, not a new one
