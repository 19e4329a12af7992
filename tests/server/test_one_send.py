"""The server sends each answer whole: status line, headers and body leave in one send (the
request thread's writes are buffered until werkzeug flushes after the body), where http.server
unbuffered would send the headers and the body apart. The bytes are the same either way; a
body larger than the buffer still arrives whole."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests

from fakes.server import FakeServer


def _count_sends(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each send made by a thread other than this one, from now on."""
    sent: list[int] = []
    here = threading.get_ident()
    for name in ("send", "sendall"):
        original: Callable[..., Any] = getattr(socket.socket, name)

        def counted(self: socket.socket, data: bytes, *rest: Any, __send: Any = original) -> Any:
            if threading.get_ident() != here:
                sent.append(len(data))
            return __send(self, data, *rest)

        monkeypatch.setattr(socket.socket, name, counted)
    return sent


def test_an_answer_leaves_in_one_send(server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    sent = _count_sends(monkeypatch)
    with requests.Session() as http:
        http.trust_env = False
        answer = http.get(f"{server.url}/?Action=DescribeRegions", timeout=5)
    assert answer.status_code == 400  # unsigned: Alibaba's error, in the JSON envelope
    assert answer.json()["Code"]
    head = b"HTTP/1.1 400 BAD REQUEST\r\n"
    assert len(sent) == 1, sent
    assert sent[0] > len(head) + len(answer.content)  # the headers and the body together


def test_a_body_larger_than_the_buffer_arrives_whole(server: FakeServer) -> None:
    """The whole account, as the control plane gives it, past 8 KiB once it holds a fleet."""
    server.cloud.add_fleet(60, users=["user01"])
    with requests.Session() as http:
        http.trust_env = False
        answer = http.get(f"{server.url}/_fake/state", timeout=5)
    assert answer.status_code == 200
    assert len(answer.content) > 2 * 8192
    assert int(answer.headers["Content-Length"]) == len(answer.content)
    assert len(answer.json()["Instances"]) == 60
