"""The account's lock is held only while a request acts on the account: a large `/_fake/state`
being serialised, a request being parsed, its signature being recomputed or an answer being
encoded never holds up another request. Proved by pausing that work on an event and completing
an API call meanwhile (were the lock held, the call could not finish and its 5 s read timeout
would fail the test), not by timing anything."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.exceptions import ClientException

from fakes import control
from fakes.server import FakeServer
from fakes.wire import envelope, rpc, signature

from ._support import REGION, Key, v2_signed

WAIT = 10  # seconds an event may take before the test gives up, rather than hang


class Pause:
    """Wraps a function so that its first call waits, mid-work, until `release` is set."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.reached = threading.Event()
        self.release = threading.Event()
        self._first = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._first.acquire(blocking=False):  # only the first call pauses
            self.reached.set()
            assert self.release.wait(WAIT), "nothing released the paused call"
        return self.real(*args, **kwargs)


@pytest.fixture
def in_background() -> Iterator[Callable[[Callable[[], Any]], dict[str, Any]]]:
    """`in_background(fn)`: run fn on a thread; the dict gets its `result` or `error`."""
    threads: list[threading.Thread] = []

    def start(fn: Callable[[], Any]) -> dict[str, Any]:
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["result"] = fn()
            except Exception as e:  # reported by the test that reads `outcome`
                outcome["error"] = e

        thread = threading.Thread(target=run, daemon=True)
        threads.append(thread)
        thread.start()
        return outcome

    yield start
    for thread in threads:
        thread.join(WAIT)


def _list_instances(ecs: EcsClient) -> int:
    body = ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id=REGION)).body
    return int(body.total_count)


def test_an_api_call_completes_while_the_state_is_serialised(
    server: FakeServer,
    root: Key,
    ecs_as: Callable[[Key], EcsClient],
    http: requests.Session,
    monkeypatch: pytest.MonkeyPatch,
    in_background: Callable[[Callable[[], Any]], dict[str, Any]],
) -> None:
    server.cloud.add_instance(os="linux", users=["user01"])
    pause = Pause(control.encode)
    monkeypatch.setattr(control, "encode", pause)
    state = in_background(lambda: http.get(f"{server.url}/_fake/state", timeout=WAIT))
    assert pause.reached.wait(WAIT), "/_fake/state never reached its serialisation"

    assert _list_instances(ecs_as(root)) == 1  # answered while the state is half-way out
    assert "result" not in state  # the state really was still being serialised meanwhile

    pause.release.set()
    answer = _await(state)
    assert answer.status_code == 200
    assert json.loads(answer.content)["Instances"][0]["OSType"] == "linux"


@pytest.mark.parametrize(
    ("module", "name"),
    [(rpc, "parse"), (signature, "v3_signature"), (envelope, "success")],
    ids=["parsing a request", "recomputing its signature", "encoding an answer"],
)
def test_an_api_call_completes_while_another_is_parsed_checked_or_encoded(
    server: FakeServer,
    root: Key,
    ecs_as: Callable[[Key], EcsClient],
    monkeypatch: pytest.MonkeyPatch,
    in_background: Callable[[Callable[[], Any]], dict[str, Any]],
    module: Any,
    name: str,
) -> None:
    pause = Pause(getattr(module, name))
    monkeypatch.setattr(module, name, pause)
    first = in_background(lambda: _list_instances(ecs_as(root)))
    assert pause.reached.wait(WAIT), f"the first request never reached `{name}`"

    assert _list_instances(ecs_as(root)) == 0  # a second request, start to finish, meanwhile
    assert "result" not in first

    pause.release.set()
    assert _await(first) == 0


def test_a_replay_racing_its_original_through_the_hmac_is_admitted_once(
    server: FakeServer,
    root: Key,
    http: requests.Session,
    monkeypatch: pytest.MonkeyPatch,
    in_background: Callable[[Callable[[], Any]], dict[str, Any]],
) -> None:
    """Both copies of one signed request are inside the HMAC at once (the barrier lets neither
    on until both are there, which the lock would forbid); the nonce still admits one only."""
    both = threading.Barrier(2, timeout=WAIT)
    real = signature.v2_signature

    def meet(secret: str, to_sign: str) -> str:
        both.wait()
        return real(secret, to_sign)

    monkeypatch.setattr(signature, "v2_signature", meet)
    params = v2_signed(
        root, "POST", {"Action": "DescribeInstances", "Version": "2014-05-26", "RegionId": REGION}
    )
    copies = [
        in_background(lambda: http.post(server.url, data=params, timeout=WAIT)) for _ in range(2)
    ]
    answers = sorted((a.status_code, a.json().get("Code", "")) for a in (_await(c) for c in copies))
    assert answers == [(200, ""), (400, "SignatureNonceUsed")]


def test_a_key_deleted_while_its_request_is_checked_does_not_answer_for_it(
    server: FakeServer,
    root: Key,
    command_user: Key,
    ecs_as: Callable[[Key], EcsClient],
    ram_as: Callable[[Key], RamClient],
    monkeypatch: pytest.MonkeyPatch,
    in_background: Callable[[Callable[[], Any]], dict[str, Any]],
) -> None:
    """The key is looked up before the HMAC and again when the request is admitted: a key
    deleted in between (the HMAC holds no lock) refuses the request it signed."""
    pause = Pause(signature.v3_signature)
    monkeypatch.setattr(signature, "v3_signature", pause)
    first = in_background(lambda: _list_instances(ecs_as(command_user)))
    assert pause.reached.wait(WAIT), "the request never reached its HMAC"

    ram_as(root).delete_access_key(
        ram_models.DeleteAccessKeyRequest(
            user_name="commandUser", user_access_key_id=command_user[0]
        )
    )
    pause.release.set()
    with pytest.raises(ClientException) as refused:
        _await(first)
    assert refused.value.code == "InvalidAccessKeyId.NotFound"


def _await(outcome: dict[str, Any]) -> Any:
    """The background call's result, once it has one (re-raising its error)."""
    for _ in range(WAIT * 20):
        if "error" in outcome:
            raise outcome["error"]
        if "result" in outcome:
            return outcome["result"]
        threading.Event().wait(0.05)
    raise AssertionError("the background call never finished")
