"""A request whose body is sent as a file, an iterator or a bytearray (as `requests` allows)
is recorded as one sent as bytes is: scrubbed, written to the cassette as bytes, and played
back. Found by review: vcrpy hands such a body back as a BytesIO or an iterator, which the
scrubber let through unscrubbed and the cassette's YAML could not hold, so recording failed."""

from __future__ import annotations

import http.server
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.recording.cassettes import parse_cassette, scenario_cassette

FORM = b"Action=X&Value=Pw-secret&Signature=abc&AccessKeyId=LTAI" + b"0" * 20
ANSWER = {"RequestId": "r-1"}


class _Answer(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps(ANSWER).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


BODIES = {
    "bytes": lambda: FORM,
    "file": lambda: io.BytesIO(FORM),
    "iterator": lambda: iter([FORM[:10], FORM[10:]]),
    "bytearray": lambda: bytearray(FORM),
}
HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(FORM))}


@pytest.mark.parametrize("shape", sorted(BODIES))
def test_the_body_is_recorded_scrubbed_and_played_back(url: str, tmp_path: Path, shape: str):
    cassette = tmp_path / "c.yaml"
    with scenario_cassette(cassette, record=True, recorded={"prefix": "t"}):
        assert requests.post(url, data=BODIES[shape](), headers=HEADERS, timeout=5).ok
    text = cassette.read_text()
    assert "Pw-secret" not in text
    assert "LTAI" + "0" * 20 not in text
    [interaction] = parse_cassette(text)["interactions"]
    # as a body sent as bytes is written: vcrpy writes a body that is text as text
    assert interaction["request"]["body"] == "Action=X&Value=%3Cscrubbed%3E"
    with scenario_cassette(cassette, record=False):
        assert requests.post(url, data=BODIES[shape](), headers=HEADERS, timeout=5).json() == (
            ANSWER
        )
