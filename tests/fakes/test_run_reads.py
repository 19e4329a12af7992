"""What RunCommand and InvokeCommand read once and hand on: the length checks look only at the
texts sent (one set intersection, not a look-up per limited name) and refuse what the look-up
per name refused, in the same order; the container and the run-as user, read once by the action,
give each run what reading them again gave (the invocation, its targets, the policy's
`ecs:CommandRunAs`)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.exceptions import ClientException
from hypothesis import given
from hypothesis import strategies as st

from fakes import FakeCloud
from fakes.errors import ApiError
from fakes.services.ecs.commands import _LENGTH_LIMITS, check_lengths
from fakes.wire.rpc import Params

from .conftest import REGION

_LIMITED = [name for name, *_ in _LENGTH_LIMITS]


def _each_name_looked_up(params: Params) -> str | None:
    """The check as it was: every limited name looked up, the first too long refused."""
    for name, limit, code, _ in _LENGTH_LIMITS:
        if len(params.text(name) or "") > limit:
            return code
    return None


def _refused_code(params: Params) -> str | None:
    try:
        check_lengths(SimpleNamespace(params=params))  # type: ignore[arg-type]
    except ApiError as err:
        return err.code
    return None


_LENGTHS = st.sampled_from([0, 1, 128, 129, 255, 256, 512, 513])
_SENT = st.dictionaries(
    st.sampled_from([*_LIMITED, "RegionId", "CommandContent", "Name.1"]),
    _LENGTHS.map(lambda n: "x" * n),
    max_size=7,
)


@given(_SENT)
def test_the_lengths_sent_are_refused_as_a_look_up_of_each_refused_them(
    values: dict[str, str],
) -> None:
    params = Params(values)
    assert _refused_code(params) == _each_name_looked_up(params)


def test_two_texts_too_long_are_refused_for_the_first_limit() -> None:
    params = Params({"Username": "u" * 256, "Name": "n" * 129})
    assert _refused_code(params) == "CmdName.ExceedLimit"


def _run(
    run_command: Callable[..., ecs_models.RunCommandResponseBody],
    client: EcsClient,
    action: str,
    instance_id: str,
    username: str | None,
    command_id: str,
) -> str:
    if action == "RunCommand":
        return str(run_command(instance_id, "whoami", client=client, username=username).invoke_id)
    invoke = ecs_models.InvokeCommandRequest(
        region_id=REGION, command_id=command_id, instance_id=[instance_id], username=username
    )
    return str(client.invoke_command(invoke).body.invoke_id)


@pytest.mark.parametrize("action", ["RunCommand", "InvokeCommand"])
@pytest.mark.parametrize(("username", "user"), [(None, "root"), ("user01", "user01")])
def test_the_run_as_user_read_once_is_the_one_each_run_and_the_policy_see(
    cloud: FakeCloud,
    ecs: EcsClient,
    ecs_as: Callable[..., EcsClient],
    ram_user: Callable[..., tuple[str, str]],
    guide_policy: Callable[[str], str],
    run_command: Callable[..., ecs_models.RunCommandResponseBody],
    linux: str,
    action: str,
    username: str | None,
    user: str,
) -> None:
    """The guide's commandUser is refused exactly when the one read makes the run root's, and
    the owner's run of the same request runs as that user and reports the Username sent."""
    created = ecs.create_command(
        ecs_models.CreateCommandRequest(
            region_id=REGION, name="who", type="RunShellScript", command_content="d2hvYW1p"
        )
    ).body.command_id
    command_user = ecs_as(
        ram_user(
            "commandUser",
            custom={"commandUserPolicy": guide_policy("allowlist")},
            system=["AliyunECSReadOnlyAccess"],
        )
    )
    if user == "root":
        with pytest.raises(ClientException) as refused:
            _run(run_command, command_user, action, linux, username, created)
        assert refused.value.code == "Forbidden.RAM"
    else:
        _run(run_command, command_user, action, linux, username, created)
    invoke_id = _run(run_command, ecs, action, linux, username, created)
    for _ in range(3):  # the run starts at a later call
        rows = ecs.describe_invocation_results(
            ecs_models.DescribeInvocationResultsRequest(region_id=REGION, invoke_id=invoke_id)
        ).body.invocation.invocation_results.invocation_result
    assert [(row.username, row.output) for row in rows] == [(user, _b64(f"{user}\n"))]
    invocations = ecs.describe_invocations(
        ecs_models.DescribeInvocationsRequest(region_id=REGION, invoke_id=invoke_id)
    ).body.invocations.invocation
    assert [i.username for i in invocations] == [username or ""]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()
