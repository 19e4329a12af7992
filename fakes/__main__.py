"""`python -m fakes serve`: the fake cloud as an HTTP server, for clients in any language."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from fakes.cloud import DEFAULT_REGION, FakeCloud
from fakes.server import is_loopback, serve
from fakes.services.ecs.records import MAX_RECORDS

LOOPBACK = "127.0.0.1"


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"`{text}` is not a port: give 0 to 65535 (0: any free)")
    return port


def _limit(text: str) -> int | None:
    try:
        limit = int(text)
    except ValueError:
        limit = -1
    if limit < 0:
        raise argparse.ArgumentTypeError(f"`{text}` is not a count: give 1 or more (0: no cap)")
    return limit or None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m fakes", description="A fake Alibaba Cloud account for SDKs and tools."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "serve",
        help="serve the fake cloud over HTTP until interrupted",
        description="Serve one fake account over plain HTTP; SIGINT or SIGTERM stops it. Point "
        "an SDK at it with endpoint HOST:PORT and protocol HTTP; GET /_fake/account gives the "
        "root AccessKey.",
    )
    run.add_argument(
        "--host",
        help=f"address to listen on (default {LOOPBACK}). Only a --host given here may be a "
        "non-loopback address such as 0.0.0.0, which lets anyone who reaches it read the root "
        "AccessKey",
    )
    run.add_argument(
        "--port", type=_port, default=0, help="port to listen on (default 0: a free one, printed)"
    )
    run.add_argument(
        "--region",
        default=DEFAULT_REGION,
        help=f"region of requests that name none (default {DEFAULT_REGION})",
    )
    run.add_argument(
        "--invocation-limit",
        type=_limit,
        default=MAX_RECORDS,
        metavar="N",
        help=f"Cloud Assistant invocations kept at most, the oldest completed forgotten first "
        f"(default {MAX_RECORDS}, as the service keeps; 0: no cap). Either way an invocation "
        "is forgotten 30 days after it was made, on the fake's clock",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)
    host = args.host or LOOPBACK
    try:
        # Naming --host is the consent to listen beyond loopback; the default never needs it.
        cloud = FakeCloud(region=args.region, invocation_limit=args.invocation_limit)
        server = serve(host, args.port, cloud=cloud, allow_non_loopback=args.host is not None)
    except (OSError, ValueError) as e:
        print(f"python -m fakes serve: {e}", file=sys.stderr)
        return 2
    key_id = server.cloud.root_access_key[0]
    print(f"fake cloud listening on {server.url} (default region {args.region})")
    print(f"root AccessKey {key_id}: get its secret from GET {server.url}/_fake/account")
    if not is_loopback(host):
        print(f"warning: `{host}` is not loopback: anyone who reaches it can read that secret")
    print("stop with Ctrl-C or SIGTERM", flush=True)
    while not stop.wait(timeout=0.5):  # a short wait keeps signals prompt on every platform
        pass
    server.stop()
    print("fake cloud stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
