"""Our fake's cost over a canned reply, beside moto's over its own, measured in one process.

Both sides are measured the same way: one round trip is "run a command, read its result" through
the official SDK as an IAM/RAM user whose policy the fake checks, with signatures verified:

- ours: ECS RunCommand + DescribeInvocationResults (alibabacloud SDK, `requests`), a RAM user
  under the guide's allow-list policy (bench/fake_overhead.py's round trip);
- moto: SSM SendCommand + GetCommandInvocation (boto3), an IAM user allowed both actions, with
  moto's IAM authentication and authorization on: `set_initial_no_auth_action_count` lets the
  setup calls through unchecked, then every call has its SigV4 signature and the user's
  policies checked (moto's documented way to turn IAM on, docs "IAM-like Access Control").

Each side's baseline is the same SDK call answered, byte for byte, with the bodies that side's
fake gave: `responses` for ours, a botocore `before-send` handler for boto3 (where moto itself
plugs in), so the client stacks are the same and only what each fake computes differs. Rounds
alternate fake and canned; each fake round starts a fresh account; medians of per-round means
are compared.

    python bench/vs_moto.py [--rounds 9] [--calls 100] [--clock wall|cpu]

Needs the `bench` extra (`pip install -e .[bench]`: moto, boto3). Last lines: `ours: X`,
`moto: Y`, `moto / ours: Z`. No figure is asserted anywhere.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import statistics
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:  # `fake_overhead` sits beside this file
    sys.path.insert(0, str(BENCH))

try:
    import boto3
    from botocore.awsrequest import AWSResponse
    from botocore.exceptions import ClientError
    from moto import mock_aws
    from moto.core import set_initial_no_auth_action_count
except ImportError:  # pragma: no cover - a one-line reason, not a traceback
    sys.exit("bench/vs_moto.py needs moto and boto3: pip install -e '.[bench]'")

import fake_overhead  # noqa: E402

T = TypeVar("T")
REGION = "us-east-1"
INSTANCE = "i-0123456789abcdef0"
#: The IAM calls moto lets through before it checks every call (create user, policy, attach, key).
SETUP_CALLS = 4
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["ssm:SendCommand", "ssm:GetCommandInvocation"],
                "Resource": "*",
            }
        ],
    }
)


def ssm_round_trip(client: Any) -> None:
    sent = client.send_command(
        InstanceIds=[INSTANCE],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": ["whoami"]},
    )
    client.get_command_invocation(CommandId=sent["Command"]["CommandId"], InstanceId=INSTANCE)


def _ssm_as_command_user() -> Any:
    """Inside a moto mock: an IAM user allowed the two calls, and an SSM client signing as it."""
    iam = boto3.client(
        "iam", region_name=REGION, aws_access_key_id="AKIASETUP", aws_secret_access_key="setup"
    )
    iam.create_user(UserName="commandUser")
    arn = iam.create_policy(PolicyName="runCommands", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="commandUser", PolicyArn=arn)
    key = iam.create_access_key(UserName="commandUser")["AccessKey"]
    return boto3.client(
        "ssm",
        region_name=REGION,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )


def _in_moto(work: Callable[[Any], T]) -> T:
    """`work(ssm_client)` in a fresh moto account with IAM checks on after the setup calls."""

    @set_initial_no_auth_action_count(SETUP_CALLS)
    def run() -> T:
        return work(_ssm_as_command_user())

    with mock_aws():
        return run()


def _moto_checks_iam() -> str:
    """How moto answers a call the user's policy does not allow (ListCommands): proof that its
    IAM checks are on, so moto's figure includes them."""

    def refused(client: Any) -> str:
        try:
            client.list_commands()
        except ClientError as error:
            # moto answers this JSON API's refusal in IAM's XML, which botocore leaves unparsed
            found = error.response["Error"]
            if "not authorized to perform: ssm:ListCommands" in str(found.get("Message", "")):
                return f"refused ({error.response['ResponseMetadata']['HTTPStatusCode']})"
            raise
        sys.exit("moto served a call the policy does not allow: its IAM checks are off")

    return str(_in_moto(refused))


class _Body(io.BytesIO):
    """What botocore reads a response body from (`stream()`), as moto's own raw response."""

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


def _capture_moto_replies() -> dict[str, tuple[int, dict[str, str], bytes]]:
    replies: dict[str, tuple[int, dict[str, str], bytes]] = {}

    def keep(http_response: Any, model: Any, **kwargs: Any) -> None:
        replies[model.name] = (
            http_response.status_code,
            dict(http_response.headers),
            http_response.content,
        )

    def once(client: Any) -> float:
        client.meta.events.register("after-call.ssm", keep)
        ssm_round_trip(client)
        return 0.0

    _in_moto(once)
    return replies


def _canned_ssm(replies: dict[str, tuple[int, dict[str, str], bytes]]) -> Any:
    client = boto3.client(
        "ssm", region_name=REGION, aws_access_key_id="AKIACANNED", aws_secret_access_key="canned"
    )

    def answer(request: Any, **kwargs: Any) -> AWSResponse:
        target = request.headers["X-Amz-Target"]
        action = target.decode() if isinstance(target, bytes) else target
        status, headers, body = replies[action.rpartition(".")[2]]
        return AWSResponse(request.url, status, headers, _Body(body))

    client.meta.events.register("before-send.ssm", answer)
    return client


def moto_ratio(rounds: int, calls: int) -> tuple[float, float]:
    """Median ms per round trip: (moto, canned), rounds alternating between the two."""
    canned = _canned_ssm(_capture_moto_replies())
    moto_times, canned_times = [], []
    for _ in range(rounds):
        moto_times.append(
            _in_moto(lambda client: fake_overhead.timed(calls, lambda: ssm_round_trip(client)))
        )
        canned_times.append(fake_overhead.timed(calls, functools.partial(ssm_round_trip, canned)))
    return statistics.median(moto_times) * 1000, statistics.median(canned_times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--calls", type=int, default=100)
    fake_overhead.add_clock_option(parser)
    args = parser.parse_args()
    fake_overhead.use_clock(args.clock)

    denied = _moto_checks_iam()
    fake_ms, canned_ms = fake_overhead.measure(args.rounds, args.calls)
    moto_ms, moto_canned_ms = moto_ratio(args.rounds, args.calls)
    ours, theirs = fake_ms / canned_ms, moto_ms / moto_canned_ms
    print(f"rounds: {args.rounds} x {args.calls} round trips each side")
    print("ours (ECS RunCommand + DescribeInvocationResults, RAM policy checked):")
    print(f"  canned {canned_ms:.3f} ms, fake {fake_ms:.3f} ms per round trip (median)")
    print(f"moto (SSM SendCommand + GetCommandInvocation, IAM auth on: ListCommands {denied}):")
    print(f"  canned {moto_canned_ms:.3f} ms, moto {moto_ms:.3f} ms per round trip (median)")
    print(f"ours: {ours:.2f}")
    print(f"moto: {theirs:.2f}")
    print(f"moto / ours: {theirs / ours:.2f}")


if __name__ == "__main__":
    main()
