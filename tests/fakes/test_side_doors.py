"""The side doors of the fake, through the official SDK: each authorized with its real action
and resource, each doing on the guest what it does on a real instance."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from alibabacloud_ecs20140526 import models as m
from alibabacloud_ecs20140526.client import Client as EcsClient

from fakes import FakeCloud

from ._ca import REGION, output, ran, refused, result, run


def _resource(error: object) -> str:
    """The resource a refusal names, from its (fake, readable) diagnostic message."""
    detail = getattr(error, "access_denied_detail", {})
    decoded = json.loads(base64.b64decode(detail["EncodedDiagnosticMessage"]))
    return str(decoded["AuthResource"])


def _sudoers(ecs: EcsClient, instance: str, **fields: object) -> str:
    request = m.SendFileRequest(
        region_id=REGION,
        instance_id=[instance],
        name="user01",
        target_dir="/etc/sudoers.d",
        content="user01 ALL=(ALL) NOPASSWD:ALL\n",
        **fields,
    )
    return str(ecs.send_file(request).body.invoke_id)


def _file_rows(
    ecs: EcsClient, invoke_id: str
) -> list[m.DescribeSendFileResultsResponseBodyInvocationsInvocation]:
    for _ in range(5):
        body = ecs.describe_send_file_results(
            m.DescribeSendFileResultsRequest(region_id=REGION, invoke_id=invoke_id)
        ).body
        rows = body.invocations.invocation
        if rows[0].invocation_status not in ("Pending", "Running"):
            return rows
    return rows


def test_send_file_writes_a_root_owned_sudoers_file_that_grants_sudo(
    cloud: FakeCloud, ecs: EcsClient, linux: str
) -> None:
    [row] = _file_rows(ecs, _sudoers(ecs, linux))
    assert row.invocation_status == "Success"
    assert (row.file_owner, row.file_group, row.file_mode) == ("root", "root", "0644")
    assert ran(ecs, linux, "stat -c '%U %G %a' /etc/sudoers.d/user01") == ("root root 644\n", 0)
    assert ran(ecs, linux, "sudo -n whoami", username="user01") == ("root\n", 0)


def test_send_file_without_overwrite_leaves_an_existing_file(ecs: EcsClient, linux: str) -> None:
    _file_rows(ecs, _sudoers(ecs, linux))
    [row] = _file_rows(ecs, _sudoers(ecs, linux, overwrite=False))
    assert row.invoke_instances.invoke_instance[0].error_code == "FileAlreadyExists"


def test_a_sudoers_file_owned_by_a_user_grants_nothing(ecs: EcsClient, linux: str) -> None:
    _file_rows(ecs, _sudoers(ecs, linux, file_owner="user01", file_group="user01"))
    out, code = ran(ecs, linux, "sudo -n whoami", username="user01")
    assert code == 1
    assert "is owned by uid 1000, should be 0" in out


def test_send_file_to_more_than_50_instances_is_refused(ecs: EcsClient) -> None:
    request = m.SendFileRequest(
        region_id=REGION,
        instance_id=[f"i-{n}" for n in range(51)],
        name="x",
        target_dir="/tmp",
        content="x",
    )
    assert refused(lambda: ecs.send_file(request)).code == "InstanceIds.ExceedLimit"


def test_send_file_is_authorized_on_the_instance_and_refused_by_the_guide_policy(
    ecs_as: Callable[..., EcsClient],
    ram_user: Callable[..., tuple[str, str]],
    linux: str,
    guide_policy: Callable[[str], str],
) -> None:
    key = ram_user("commandUser", custom={"commandUserPolicy": guide_policy("denylist")})
    error = refused(lambda: _sudoers(ecs_as(key), linux))
    assert error.code == "Forbidden.RAM"
    assert error.access_denied_detail["AuthAction"] == "ecs:SendFile"
    assert _resource(error).endswith(f":instance/{linux}")


def test_a_session_with_no_user_runs_as_ecs_assist_user_who_the_agent_makes_a_sudoer(
    cloud: FakeCloud, ecs: EcsClient, linux: str
) -> None:
    assert cloud.guest(linux).canonical_user("ecs-assist-user") is None
    started = ecs.start_terminal_session(
        m.StartTerminalSessionRequest(region_id=REGION, instance_id=[linux])
    ).body
    assert started.session_id.startswith("s-")
    assert started.web_socket_url.startswith("wss://")
    [session] = ecs.describe_terminal_sessions(
        m.DescribeTerminalSessionsRequest(region_id=REGION, session_id=started.session_id)
    ).body.sessions.session
    assert session.username == "ecs-assist-user"
    assert ran(ecs, linux, "sudo -n whoami", username="ecs-assist-user") == ("root\n", 0)
    ecs.end_terminal_session(
        m.EndTerminalSessionRequest(region_id=REGION, session_id=started.session_id)
    )
    [ended] = ecs.describe_terminal_sessions(
        m.DescribeTerminalSessionsRequest(region_id=REGION, session_id=started.session_id)
    ).body.sessions.session
    assert ended.connections.connection[0].status == "Disconnected"


def test_a_windows_session_defaults_to_system(ecs: EcsClient, windows: str) -> None:
    started = ecs.start_terminal_session(
        m.StartTerminalSessionRequest(region_id=REGION, instance_id=[windows])
    ).body
    [session] = ecs.describe_terminal_sessions(
        m.DescribeTerminalSessionsRequest(region_id=REGION, session_id=started.session_id)
    ).body.sessions.session
    assert session.username == "System"


def test_a_rate_task_runs_each_interval_on_the_virtual_clock_and_keeps_its_user(
    cloud: FakeCloud, ecs: EcsClient, linux: str
) -> None:
    invoke_id = run(ecs, linux, "echo tick", frequency="rate(1m)", username="user01", timeout=30)
    assert result(ecs, invoke_id, polls=1).invocation_status == "Scheduled"
    cloud.clock.advance(timedelta(minutes=1))
    row = result(ecs, invoke_id)
    assert (row.invocation_status, output(row)) == ("Success", "tick\n")
    ecs.modify_invocation_attribute(
        m.ModifyInvocationAttributeRequest(
            region_id=REGION, invoke_id=invoke_id, command_content="whoami"
        )
    )
    cloud.clock.advance(timedelta(minutes=1))
    result(ecs, invoke_id, polls=1)  # the second run starts
    row = result(ecs, invoke_id)
    assert (output(row), row.repeats) == ("user01\n", 2)


def test_a_rate_below_60_seconds_is_refused_and_cron_is_scheduled(
    ecs: EcsClient, linux: str
) -> None:
    assert refused(lambda: run(ecs, linux, "true", frequency="rate(30s)")).code == (
        "InvalidFrequency.Malformed"
    )
    invoke_id = run(ecs, linux, "true", frequency="0 0/5 14 * 10 ? 2022/2 UTC")
    assert result(ecs, invoke_id, polls=1).invocation_status == "Scheduled"  # test_cron.py


def test_a_reboot_task_rewritten_by_modify_invocation_attribute_runs_as_root(
    ecs: EcsClient, linux: str
) -> None:
    invoke_id = run(ecs, linux, "echo heartbeat", repeat_mode="EveryReboot")
    ecs.modify_invocation_attribute(
        m.ModifyInvocationAttributeRequest(
            region_id=REGION,
            invoke_id=invoke_id,
            command_content=base64.b64encode(b"whoami").decode(),
            content_encoding="Base64",
        )
    )
    ecs.reboot_instance(m.RebootInstanceRequest(instance_id=linux))
    row = result(ecs, invoke_id)
    assert (row.invocation_status, output(row), row.username) == ("Success", "root\n", "root")


def test_a_task_that_runs_once_cannot_be_modified(ecs: EcsClient, linux: str) -> None:
    invoke_id = run(ecs, linux, "true")
    request = m.ModifyInvocationAttributeRequest(
        region_id=REGION, invoke_id=invoke_id, command_content="whoami"
    )
    error = refused(lambda: ecs.modify_invocation_attribute(request))
    assert error.code == "InvalidOperation.InvocationNotPeriodic"


def test_modify_command_never_changes_what_runs(ecs: EcsClient, linux: str) -> None:
    command_id = ecs.create_command(
        m.CreateCommandRequest(
            region_id=REGION,
            name="report",
            type="RunShellScript",
            command_content=base64.b64encode(b"echo ok").decode(),
        )
    ).body.command_id
    ecs.modify_command(
        m.ModifyCommandRequest(
            region_id=REGION, command_id=command_id, command_content="whoami", name="renamed"
        )
    )
    invoke_id = ecs.invoke_command(
        m.InvokeCommandRequest(region_id=REGION, command_id=command_id, instance_id=[linux])
    ).body.invoke_id
    assert output(result(ecs, invoke_id)) == "ok\n"


def test_create_command_reads_base64_when_no_encoding_is_named(ecs: EcsClient, linux: str) -> None:
    command_id = ecs.create_command(
        m.CreateCommandRequest(
            region_id=REGION,
            name="who",
            type="RunShellScript",
            command_content=base64.b64encode(b"whoami").decode(),
        )
    ).body.command_id
    invoke_id = ecs.invoke_command(
        m.InvokeCommandRequest(
            region_id=REGION, command_id=command_id, instance_id=[linux], username="user01"
        )
    ).body.invoke_id
    assert output(result(ecs, invoke_id)) == "user01\n"


def test_a_container_run_is_root_whatever_the_username_and_ram_sees_the_username(
    ecs: EcsClient,
    ecs_as: Callable[..., EcsClient],
    ram_user: Callable[..., tuple[str, str]],
    cloud: FakeCloud,
    guide_policy: Callable[[str], str],
) -> None:
    host = cloud.add_instance(users=["user01"], containers={"app": "root"})
    key = ram_user("commandUser", custom={"commandUserPolicy": guide_policy("allowlist")})
    invoke_id = run(ecs_as(key), host, "whoami", container_name="app", username="user01")
    row = result(ecs, invoke_id)
    assert (output(row), row.exit_code, row.username) == ("root\n", 0, "root")


def test_modify_instance_attribute_sets_the_root_password(
    cloud: FakeCloud, ecs: EcsClient, linux: str
) -> None:
    ecs.modify_instance_attribute(
        m.ModifyInstanceAttributeRequest(instance_id=linux, password="Chosen-Pw1!")
    )
    guest = cloud.guest(linux)
    assert not guest.password_matches("root", "Chosen-Pw1!")  # not before the restart
    shadow_before = guest.files.get("/etc/shadow")
    assert shadow_before is not None
    assert shadow_before.content.startswith(b"root:*:")
    user_data = base64.b64encode(b"echo booted").decode()
    ecs.modify_instance_attribute(
        m.ModifyInstanceAttributeRequest(instance_id=linux, user_data=user_data)
    )
    ecs.reboot_instance(m.RebootInstanceRequest(instance_id=linux))
    assert guest.password_matches("root", "Chosen-Pw1!")
    shadow = guest.files.get("/etc/shadow")
    assert shadow is not None
    assert shadow.mode == 0o000
    assert shadow.content.startswith(b"root:$6$")
    assert b"Chosen-Pw1!" not in shadow.content
    assert guest.history[-1] == ("root", "echo booted")


def test_the_sample_policy_with_instance_only_runs_commands(
    ecs_as: Callable[..., EcsClient], ram_user: Callable[..., tuple[str, str]], linux: str
) -> None:
    sample = {
        "Version": "1",
        "Statement": [
            {"Effect": "Allow", "Action": "ecs:RunCommand", "Resource": "acs:ecs:*:*:instance/*"}
        ],
    }
    client = ecs_as(ram_user("commandUser", custom={"sample": json.dumps(sample)}))
    assert run(client, linux, "whoami", username="user01").startswith("t-")
    kept = refused(lambda: run(client, linux, "whoami", username="user01", keep_command=True))
    assert _resource(kept).endswith(":command/*")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"parameters": {"name": "x"}}, "Parameter.Disabled"),
        ({"launcher": "python3 {{ACS::ScriptFileName}}"}, "UnsupportedParameter"),
        ({"oss_output_delivery": "oss://bucket/prefix"}, "UnsupportedParameter"),
        ({"termination_mode": "Everything"}, "InvalidTerminationMode"),
    ],
)
def test_parameters_the_fake_does_not_model_are_refused_by_name(
    ecs: EcsClient, linux: str, fields: dict[str, object], code: str
) -> None:
    assert refused(lambda: run(ecs, linux, "true", **fields)).code == code


def test_termination_mode_is_accepted(ecs: EcsClient, linux: str) -> None:
    assert output(result(ecs, run(ecs, linux, "echo ok", termination_mode="ProcessTree"))) == (
        "ok\n"
    )


def test_install_cloud_assistant_describe_tags_and_tag_keys_answer(
    cloud: FakeCloud, ecs: EcsClient, linux: str
) -> None:
    ecs.install_cloud_assistant(
        m.InstallCloudAssistantRequest(region_id=REGION, instance_id=[linux])
    )
    tags = ecs.describe_tags(m.DescribeTagsRequest(region_id=REGION)).body
    assert tags.total_count == 0
    from alibabacloud_tea_openapi import models as open_api
    from alibabacloud_tea_util.models import RuntimeOptions

    params = open_api.Params(
        action="DescribeTagKeys",
        version="2014-05-26",
        protocol="HTTPS",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        body_type="json",
        req_body_type="formData",
    )
    answer = ecs.call_api(
        params, open_api.OpenApiRequest(query={"RegionId": REGION}), RuntimeOptions()
    )
    assert answer["body"]["TotalCount"] == 0
