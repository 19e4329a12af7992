"""What each parameter of the side-door calls does, through the official SDK, for the parameters
test_side_doors.py does not already show at work. The table in
test_parameters_are_modelled_or_refused.py names, for every parameter of each SDK request
model, the test here (or elsewhere) that shows it modelled, or the refusal by name."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from alibabacloud_ecs20140526 import models as m
from alibabacloud_ecs20140526.client import Client as EcsClient

from fakes import FakeCloud

from ._ca import REGION, output, ran, refused, result, run, saved


def _send(ecs: EcsClient, instance: str, name: str, **fields: object) -> str:
    fields.setdefault("content", "hello\n")
    request = m.SendFileRequest(
        region_id=REGION, instance_id=[instance], name=name, target_dir="/tmp", **fields
    )
    return str(ecs.send_file(request).body.invoke_id)


def _results(ecs: EcsClient, **fields: object) -> m.DescribeSendFileResultsResponseBody:
    return ecs.describe_send_file_results(
        m.DescribeSendFileResultsRequest(region_id=REGION, **fields)
    ).body


def _ids(body: m.DescribeSendFileResultsResponseBody) -> list[str]:
    return [row.invoke_id for row in body.invocations.invocation]


# ---- SendFile and DescribeSendFileResults -----------------------------------------------------


def test_send_file_decodes_base64_content_and_sets_the_mode_and_description(
    ecs: EcsClient, linux: str
) -> None:
    invoke_id = _send(
        ecs,
        linux,
        "b64",
        content=base64.b64encode(b"decoded\n").decode(),
        content_type="Base64",
        file_mode="0600",
        description="a note",
    )
    assert ran(ecs, linux, "cat /tmp/b64") == ("decoded\n", 0)
    assert ran(ecs, linux, "stat -c '%U %G %a' /tmp/b64") == ("root root 600\n", 0)
    [row] = _results(ecs, invoke_id=invoke_id).invocations.invocation
    assert (row.description, row.content_type, row.file_mode) == ("a note", "Base64", "0600")


def test_send_file_timeout_below_10_is_raised_and_one_past_a_day_is_refused(
    ecs: EcsClient, linux: str
) -> None:
    invoke_id = _send(ecs, linux, "quick", timeout=5)
    assert ran(ecs, linux, "cat /tmp/quick") == ("hello\n", 0)
    [row] = _results(ecs, invoke_id=invoke_id).invocations.invocation
    assert row.invocation_status == "Success"
    assert refused(lambda: _send(ecs, linux, "slow", timeout=86401)).code == "InvalidParameter"


def test_send_file_tags_are_shown_and_filter_the_results(ecs: EcsClient, linux: str) -> None:
    tagged = _send(ecs, linux, "tagged", tag=[m.SendFileRequestTag(key="team", value="ops")])
    _send(ecs, linux, "untagged")
    body = _results(ecs, tag=[m.DescribeSendFileResultsRequestTag(key="team", value="ops")])
    assert _ids(body) == [tagged]
    [tag] = body.invocations.invocation[0].tags.tag
    assert (tag.tag_key, tag.tag_value) == ("team", "ops")
    by_key = _results(ecs, tag=[m.DescribeSendFileResultsRequestTag(key="team")])
    assert _ids(by_key) == [tagged]
    other = _results(ecs, tag=[m.DescribeSendFileResultsRequestTag(key="team", value="dev")])
    assert _ids(other) == []


def test_send_file_resource_group_must_hold_each_instance_and_filters_the_results(
    cloud: FakeCloud, ecs: EcsClient
) -> None:
    grouped = cloud.add_instance(os="linux", region=REGION, resource_group_id="rg-apps")
    invoke_id = _send(ecs, grouped, "grouped", resource_group_id="rg-apps")
    _send(ecs, grouped, "plain")
    mismatch = refused(lambda: _send(ecs, grouped, "elsewhere", resource_group_id="rg-other"))
    assert mismatch.code == "InvalidResourceGroupId.Mismatch"
    assert _ids(_results(ecs, resource_group_id="rg-apps")) == [invoke_id]


def test_send_file_results_filter_by_status_and_page_by_token(
    cloud: FakeCloud, ecs: EcsClient, linux: str
) -> None:
    first = _send(ecs, linux, "one")
    failed = _send(ecs, linux, "two", file_owner="nobody-here")
    third = _send(ecs, linux, "three")
    cloud.clock.advance(timedelta(seconds=10))
    assert _ids(_results(ecs, invocation_status="Failed")) == [failed]
    assert _ids(_results(ecs, invocation_status="Success")) == [third, first]
    page = _results(ecs, max_results=2)
    assert (_ids(page), page.next_token) == ([third, failed], "2")
    last = _results(ecs, max_results=2, next_token=page.next_token)
    assert (_ids(last), last.next_token) == ([first], "")
    numbered = _results(ecs, page_number=2, page_size=2)
    assert (_ids(numbered), numbered.page_number) == ([first], 2)
    assert _ids(_results(ecs, name="two", instance_id=linux)) == [failed]
    assert refused(lambda: _results(ecs, next_token="elsewhere")).code == "InvalidParameter"
    assert refused(lambda: _results(ecs, invocation_status="Done")).code == "InvalidParameter"


def test_a_send_file_result_is_pending_before_it_starts(ecs: EcsClient, linux: str) -> None:
    invoke_id = _send(ecs, linux, "early")
    [row] = _results(ecs, invocation_status="Pending").invocations.invocation
    assert (row.invoke_id, row.invocation_status) == (invoke_id, "Pending")


# ---- Session Manager --------------------------------------------------------------------------


def _start(ecs: EcsClient, instance: str, **fields: object) -> m.StartTerminalSessionResponseBody:
    return ecs.start_terminal_session(
        m.StartTerminalSessionRequest(region_id=REGION, instance_id=[instance], **fields)
    ).body


def _sessions(ecs: EcsClient, **fields: object) -> m.DescribeTerminalSessionsResponseBody:
    return ecs.describe_terminal_sessions(
        m.DescribeTerminalSessionsRequest(region_id=REGION, **fields)
    ).body


def test_a_session_to_a_port_as_a_user_is_described_as_asked(
    cloud: FakeCloud, ecs: EcsClient, linux: str
) -> None:
    started = _start(
        ecs,
        linux,
        username="user01",
        port_number=22,
        target_server="10.0.0.5",
        command_line="id -un",
    )
    [session] = _sessions(ecs, session_id=started.session_id, instance_id=linux).sessions.session
    assert (session.username, session.port_number, session.target_server) == (
        "user01",
        22,
        "10.0.0.5",
    )
    assert cloud.guest(linux).history[-1] == ("user01", "id -un")


def test_a_windows_session_as_a_user_needs_its_password_name(ecs: EcsClient, windows: str) -> None:
    missing = refused(lambda: _start(ecs, windows, username="user01"))
    assert missing.code == "WindowsPasswordName.Missed"
    started = _start(ecs, windows, username="user01", password_name="axtSecretPassword")
    assert started.session_id.startswith("s-")


def test_connection_type_chooses_the_network_of_the_url_and_an_unknown_one_is_refused(
    ecs: EcsClient, linux: str
) -> None:
    internet = _start(ecs, linux).web_socket_url
    intranet = _start(ecs, linux, connection_type="Intranet").web_socket_url
    assert "-vpc." not in internet
    assert "-vpc." in intranet  # A82
    assert _start(ecs, linux, connection_type="Internet").web_socket_url.startswith(internet[:20])
    assert refused(lambda: _start(ecs, linux, connection_type="Lan")).code == "InvalidParameter"


def test_terminal_sessions_page_by_token(ecs: EcsClient, linux: str) -> None:
    ids = [_start(ecs, linux).session_id for _ in range(3)]
    page = _sessions(ecs, max_results=2)
    assert [s.session_id for s in page.sessions.session] == [ids[2], ids[1]]
    last = _sessions(ecs, max_results=2, next_token=page.next_token)
    assert ([s.session_id for s in last.sessions.session], last.next_token) == ([ids[0]], "")
    assert len(_sessions(ecs).sessions.session) == 3  # ten by default
    assert refused(lambda: _sessions(ecs, max_results=101)).code == "InvalidParameter"
    assert refused(lambda: _sessions(ecs, next_token="x")).code == "InvalidParameter"


def test_ending_an_unknown_session_is_refused(ecs: EcsClient) -> None:
    request = m.EndTerminalSessionRequest(region_id=REGION, session_id="s-unknown")
    assert refused(lambda: ecs.end_terminal_session(request)).code == "InvalidSessionId.NotFound"


# ---- runs, tasks and commands -----------------------------------------------------------------


def _invocation(
    ecs: EcsClient, invoke_id: str
) -> m.DescribeInvocationsResponseBodyInvocationsInvocation:
    [found] = ecs.describe_invocations(
        m.DescribeInvocationsRequest(region_id=REGION, invoke_id=invoke_id)
    ).body.invocations.invocation
    return found


def test_run_command_reports_its_name_description_timeout_and_working_dir(
    ecs: EcsClient, linux: str
) -> None:
    invoke_id = run(
        ecs, linux, "true", name="probe", description="a probe", timeout=30, working_dir="/tmp"
    )
    found = _invocation(ecs, invoke_id)
    assert (found.command_name, found.command_description) == ("probe", "a probe")
    assert (found.timeout, found.working_dir) == (30, "/tmp")


def test_timed_is_deprecated_and_does_not_take_effect(ecs: EcsClient, linux: str) -> None:
    """[SDK] `_run_command_request.py`: Timed "is deprecated and does not take effect"."""
    invoke_id = run(ecs, linux, "echo once", timed=True)
    assert _invocation(ecs, invoke_id).repeat_mode == "Once"
    assert output(result(ecs, invoke_id)) == "once\n"


def test_a_run_or_an_invocation_in_a_container_runs_as_root_whatever_the_username(
    cloud: FakeCloud, ecs: EcsClient
) -> None:
    linux = cloud.add_instance(users=["user01"], containers={"app": "root"})
    command_id = saved(ecs, "whoami")
    app = cloud.container_ids(linux)["app"]
    for container in ({"container_id": app}, {"container_name": "app"}):
        row = result(ecs, run(ecs, linux, "whoami", username="user01", **container))
        assert (output(row), row.username) == ("root\n", "root")  # A41
        invoke_id = ecs.invoke_command(
            m.InvokeCommandRequest(
                region_id=REGION,
                command_id=command_id,
                instance_id=[linux],
                username="user01",
                **container,
            )
        ).body.invoke_id
        row = result(ecs, invoke_id)
        assert (output(row), row.username) == ("root\n", "root")  # A41


def test_invoke_command_takes_a_schedule_a_timeout_and_a_termination_mode(
    cloud: FakeCloud, ecs: EcsClient, linux: str
) -> None:
    invoke_id = ecs.invoke_command(
        m.InvokeCommandRequest(
            region_id=REGION,
            command_id=saved(ecs, "echo tick"),
            instance_id=[linux],
            repeat_mode="Period",
            frequency="rate(1m)",
            timeout=30,
            termination_mode="ProcessTree",
            timed=True,
            username="user01",
        )
    ).body.invoke_id
    found = _invocation(ecs, invoke_id)
    assert (found.repeat_mode, found.frequency, found.timeout) == ("Period", "rate(1m)", 30)
    cloud.clock.advance(timedelta(seconds=61))
    assert output(result(ecs, invoke_id)) == "tick\n"
    bad = m.InvokeCommandRequest(
        region_id=REGION, command_id=saved(ecs, "true"), instance_id=[linux], repeat_mode="Often"
    )
    assert refused(lambda: ecs.invoke_command(bad)).code == "InvalidRepeatMode.NotFound"


def test_modify_invocation_attribute_changes_the_frequency_and_adds_instances(
    cloud: FakeCloud, ecs: EcsClient, linux: str
) -> None:
    invoke_id = run(ecs, linux, "echo tick", frequency="rate(1h)", username="user01")
    other = cloud.add_instance(os="linux", region=REGION, users=["user01"])
    ecs.modify_invocation_attribute(
        m.ModifyInvocationAttributeRequest(
            region_id=REGION,
            invoke_id=invoke_id,
            frequency="rate(2m)",
            command_content="echo tock",
            instance_id=[other],
        )
    )
    found = _invocation(ecs, invoke_id)
    assert found.frequency == "rate(2m)"
    assert {i.instance_id for i in found.invoke_instances.invoke_instance} == {linux, other}
    for fields, code in (
        ({"parameters": {"name": "x"}}, "Parameter.Disabled"),
        ({"enable_parameter": True}, "UnsupportedParameter"),
    ):
        request = m.ModifyInvocationAttributeRequest(
            region_id=REGION, invoke_id=invoke_id, **fields
        )
        assert refused(lambda r=request: ecs.modify_invocation_attribute(r)).code == code


def test_modify_command_changes_name_description_timeout_and_working_dir(ecs: EcsClient) -> None:
    command_id = saved(ecs, "true")
    ecs.modify_command(
        m.ModifyCommandRequest(
            region_id=REGION,
            command_id=command_id,
            name="renamed",
            description="described",
            timeout=120,
            working_dir="/srv",
        )
    )
    [command] = ecs.describe_commands(
        m.DescribeCommandsRequest(region_id=REGION, command_id=command_id)
    ).body.commands.command
    assert (command.name, command.description) == ("renamed", "described")
    assert (command.timeout, command.working_dir) == (120, "/srv")


def test_modify_instance_attribute_renames_the_instance(ecs: EcsClient, linux: str) -> None:
    ecs.modify_instance_attribute(
        m.ModifyInstanceAttributeRequest(instance_id=linux, instance_name="renamed")
    )
    [instance] = ecs.describe_instances(
        m.DescribeInstancesRequest(region_id=REGION, instance_ids=f'["{linux}"]')
    ).body.instances.instance
    assert instance.instance_name == "renamed"
    weak = m.ModifyInstanceAttributeRequest(instance_id=linux, password="short")
    assert refused(lambda: ecs.modify_instance_attribute(weak)).code == (
        "InvalidPassword.Malformed"
    )


@pytest.mark.parametrize("user_data", ["not base64!", base64.b64encode(b"\xff\xfe").decode()])
def test_user_data_that_is_not_base64_text_is_refused(
    ecs: EcsClient, linux: str, user_data: str
) -> None:
    request = m.ModifyInstanceAttributeRequest(instance_id=linux, user_data=user_data)
    assert refused(lambda: ecs.modify_instance_attribute(request)).code == (
        "InvalidUserData.Base64FormatInvalid"
    )


def test_custom_parameters_are_not_modelled_and_say_so(ecs: EcsClient, linux: str) -> None:
    """`Parameters` without `EnableParameter` is `Parameter.Disabled` (InvokeCommand API
    reference); `EnableParameter` itself is refused by name."""
    assert refused(lambda: run(ecs, linux, "true", enable_parameter=True)).code == (
        "UnsupportedParameter"
    )
    invoke = m.InvokeCommandRequest(
        region_id=REGION,
        command_id=saved(ecs, "true"),
        instance_id=[linux],
        parameters={"name": "x"},
    )
    assert refused(lambda: ecs.invoke_command(invoke)).code == "Parameter.Disabled"


def test_a_client_token_makes_invoke_command_idempotent(ecs: EcsClient, linux: str) -> None:
    request = m.InvokeCommandRequest(
        region_id=REGION,
        command_id=saved(ecs, "true"),
        instance_id=[linux],
        client_token="same-invocation",
    )
    first = ecs.invoke_command(request).body.invoke_id
    assert ecs.invoke_command(request).body.invoke_id == first
    request.username = "user01"
    assert refused(lambda: ecs.invoke_command(request)).code == "IdempotentParameterMismatch"
