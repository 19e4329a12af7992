"""How many requests a second the standalone fake server answers with 1, 4 and 8 client threads,
and how long an API call waits while `/_fake/state` is being taken of a large account.

Each client thread has its own official ECS SDK client (V3 signatures, HTTP to 127.0.0.1) and
calls DescribeInstances as the account owner for `--seconds`; the figure is all threads' answers
over the wall time. Then the account is given `--invocations` finished invocations (stored with
RunCommand on the service, without the wire, as bench/scale.py does) and one thread fetches
`/_fake/state` over and over while another times DescribeInstances calls.

    python bench/server.py [--seconds 3] [--invocations 30000]

Lines: `<n> threads: X requests/s`, then `while /_fake/state: slowest API call X ms (state
took Y ms)`. Figures are printed, never asserted. The server and its clients run in this one
process, so they share one interpreter lock: more threads overlap the waiting on sockets, not
the work.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from pathlib import Path

import requests
from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.models import Config

from fakes import FakeCloud, serve
from fakes.server import FakeServer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import REGION, store  # the bench folder is no package


def _client(server: FakeServer) -> EcsClient:
    key_id, secret = server.cloud.root_access_key
    return EcsClient(
        Config(
            access_key_id=key_id,
            access_key_secret=secret,
            region_id=REGION,
            endpoint=server.endpoint,
            protocol="HTTP",
            read_timeout=30_000,
        )
    )


def _describe(client: EcsClient) -> None:
    client.describe_instances(ecs.DescribeInstancesRequest(region_id=REGION))


def throughput(server: FakeServer, threads: int, seconds: float) -> float:
    """Answers per second from `threads` clients calling for `seconds`."""
    counts = [0] * threads
    stop = threading.Event()

    def client_loop(slot: int) -> None:
        client = _client(server)
        while not stop.is_set():
            _describe(client)
            counts[slot] += 1

    workers = [threading.Thread(target=client_loop, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    time.sleep(seconds)
    stop.set()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - started)


def during_state(server: FakeServer, rounds: int) -> tuple[float, float]:
    """The slowest API call while `/_fake/state` is fetched `rounds` times, and the slowest
    fetch of the state, both in ms."""
    stop = threading.Event()
    fetches: list[float] = []

    def fetch_state() -> None:
        with requests.Session() as http:
            http.trust_env = False
            for _ in range(rounds):
                started = time.perf_counter()
                http.get(f"{server.url}/_fake/state", timeout=60).raise_for_status()
                fetches.append((time.perf_counter() - started) * 1000)
        stop.set()

    client = _client(server)
    _describe(client)
    fetcher = threading.Thread(target=fetch_state)
    fetcher.start()
    slowest = 0.0
    while not stop.is_set():
        started = time.perf_counter()
        _describe(client)
        slowest = max(slowest, (time.perf_counter() - started) * 1000)
    fetcher.join()
    return slowest, max(fetches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per thread count")
    parser.add_argument("--invocations", type=int, default=30_000, help="for /_fake/state")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    cloud = FakeCloud(invocation_limit=None)
    with serve(cloud=cloud) as server:
        instance = cloud.add_instance(os="linux", users=["user01"])
        for threads in (1, 4, 8):
            rate = throughput(server, threads, args.seconds)
            print(f"{threads} threads: {rate:.0f} requests/s")
        store(cloud, args.invocations, [instance])
        slowest, state = during_state(server, 3)
        print(
            f"while /_fake/state at {args.invocations} invocations: slowest API call "
            f"{slowest:.0f} ms (state took {state:.0f} ms)"
        )


if __name__ == "__main__":
    main()
