"""Cloud Assistant through the official ECS SDK: running, polling, validating and authorizing."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.exceptions import ClientException

from fakes import ExecResult, Execution, FakeCloud

REGION = "cn-hangzhou"
FINAL = {"Success", "Failed", "Cancelled", "Terminated", "Timeout", "Error", "Invalid", "Aborted"}
MAX_POLLS = 10

Key = tuple[str, str]
Result = ecs_models.DescribeInvocationResultsResponseBodyInvocationInvocationResultsInvocationResult


def _refused(call: Callable[[], Any]) -> ClientException:
    with pytest.raises(ClientException) as info:
        call()
    return info.value


def _results(
    ecs: EcsClient, invoke_id: str, encoding: str | None = None, instance_id: str | None = None
) -> list[Result]:
    request = ecs_models.DescribeInvocationResultsRequest(
        region_id=REGION, invoke_id=invoke_id, content_encoding=encoding, instance_id=instance_id
    )
    body = ecs.describe_invocation_results(request).body
    return list(body.invocation.invocation_results.invocation_result or [])


def _wait(
    ecs: EcsClient, invoke_id: str, encoding: str | None = None, instance_id: str | None = None
) -> tuple[Result, list[str]]:
    """Poll DescribeInvocationResults without sleeping until final: the result, statuses seen."""
    seen: list[str] = []
    for _ in range(MAX_POLLS):
        [result] = _results(ecs, invoke_id, encoding, instance_id)
        seen.append(result.invocation_status)
        if result.invocation_status in FINAL:
            return result, seen
    raise AssertionError(f"invocation {invoke_id} not final after {MAX_POLLS} polls: {seen}")


def _decoded(result: Result) -> str:
    return base64.b64decode(result.output).decode("utf-8")


def _invocations(ecs: EcsClient, **filters: Any) -> list[Any]:
    request = ecs_models.DescribeInvocationsRequest(region_id=REGION, **filters)
    return list(ecs.describe_invocations(request).body.invocations.invocation or [])


def _kept_commands(ecs: EcsClient, **filters: Any) -> list[Any]:
    request = ecs_models.DescribeCommandsRequest(region_id=REGION, **filters)
    return list(ecs.describe_commands(request).body.commands.command or [])


# ---- the lifecycle --------------------------------------------------------------------------


def test_invocation_moves_pending_running_success_within_ten_polls_without_sleeping(
    ecs: EcsClient, linux: str, run_command: Callable[..., Any]
) -> None:
    started = time.perf_counter()
    invoke_id = run_command(linux, "whoami", username="user01").invoke_id

    result, seen = _wait(ecs, invoke_id)
    elapsed = time.perf_counter() - started

    assert list(dict.fromkeys(seen)) == ["Pending", "Running", "Success"]
    assert len(seen) <= MAX_POLLS
    assert elapsed < 1.0
    assert result.invoke_record_status == "Finished"
    assert result.exit_code == 0
    assert result.start_time
    assert result.finished_time


def test_output_is_base64_by_default(ecs: EcsClient, linux: str, run_command) -> None:
    invoke_id = run_command(linux, "echo hello", username="user01").invoke_id

    result, _ = _wait(ecs, invoke_id)

    assert result.output == base64.b64encode(b"hello\n").decode("ascii")


def test_output_is_plain_text_when_asked(ecs: EcsClient, linux: str, run_command) -> None:
    invoke_id = run_command(linux, "echo hello", username="user01").invoke_id

    result, _ = _wait(ecs, invoke_id, encoding="PlainText")

    assert result.output == "hello\n"


def test_whoami_as_user01_prints_user01(
    cloud: FakeCloud, ecs: EcsClient, linux: str, run_command
) -> None:
    invoke_id = run_command(linux, "whoami", username="user01").invoke_id

    result, _ = _wait(ecs, invoke_id)

    assert _decoded(result) == "user01\n"
    assert result.username == "user01"
    assert cloud.guest(linux).history == [("user01", "whoami")]


def test_without_username_the_command_runs_as_root(ecs: EcsClient, linux: str, run_command) -> None:
    invoke_id = run_command(linux, "id -un").invoke_id

    result, _ = _wait(ecs, invoke_id)

    assert _decoded(result) == "root\n"
    assert result.username == "root"


def test_nonzero_exit_fails_with_exit_code_nonzero(ecs: EcsClient, linux: str, run_command) -> None:
    invoke_id = run_command(linux, "echo before; exit 3; echo after", username="user01").invoke_id

    result, _ = _wait(ecs, invoke_id)

    assert result.invocation_status == "Failed"
    assert result.exit_code == 3
    assert result.error_code == "ExitCodeNonzero"
    assert result.error_info
    assert _decoded(result) == "before\n"


def test_unknown_command_exits_127_with_command_not_found(
    ecs: EcsClient, linux: str, run_command
) -> None:
    invoke_id = run_command(linux, "frobnicate --now", username="user01").invoke_id

    result, _ = _wait(ecs, invoke_id)

    assert result.invocation_status == "Failed"
    assert result.exit_code == 127
    assert "frobnicate: command not found" in _decoded(result)


def test_user_missing_on_the_instance_fails_with_account_not_exists_and_nothing_runs(
    cloud: FakeCloud, ecs: EcsClient, linux: str, run_command
) -> None:
    invoke_id = run_command(linux, "whoami", username="user99").invoke_id

    result, _ = _wait(ecs, invoke_id)

    assert result.invocation_status == "Failed"
    assert result.error_code == "AccountNotExists"
    assert result.output == ""
    assert result.exit_code is None
    assert cloud.guest(linux).history == []


def test_base64_command_content_is_decoded_before_it_runs(
    cloud: FakeCloud, ecs: EcsClient, linux: str, run_command
) -> None:
    script = "echo 'from base64'"
    encoded = base64.b64encode(script.encode()).decode("ascii")

    invoke_id = run_command(linux, encoded, username="user01", content_encoding="Base64").invoke_id
    result, _ = _wait(ecs, invoke_id, encoding="PlainText")

    assert result.output == "from base64\n"
    assert cloud.guest(linux).history == [("user01", script)]


def test_command_handler_registered_on_the_cloud_runs_on_the_guest(
    cloud: FakeCloud, ecs: EcsClient, linux: str, run_command
) -> None:
    calls: list[Execution] = []

    def deploy(execution: Execution) -> ExecResult:
        calls.append(execution)
        return ExecResult(f"deployed {execution.args[1]} as {execution.user}", 0)

    cloud.on_command("deploy", deploy)
    invoke_id = run_command(linux, "deploy v2", username="user02").invoke_id

    result, _ = _wait(ecs, invoke_id, encoding="PlainText")

    assert result.output == "deployed v2 as user02\n"
    assert [(c.args, c.user, c.os) for c in calls] == [(("deploy", "v2"), "user02", "linux")]


def test_windows_default_user_is_system(
    ecs: EcsClient, windows: str, run_command: Callable[..., Any]
) -> None:
    invoke_id = run_command(windows, "whoami", type="RunPowerShellScript").invoke_id

    result, _ = _wait(ecs, invoke_id, encoding="PlainText")

    assert result.invocation_status == "Success"
    assert result.username == "System"
    assert result.output == "nt authority\\system\n"


def test_windows_non_default_user_without_password_name_is_refused(
    cloud: FakeCloud, ecs: EcsClient, windows: str, run_command
) -> None:
    error = _refused(
        lambda: run_command(windows, "whoami", type="RunPowerShellScript", username="user01")
    )

    assert (error.code, error.status_code) == ("WindowsPasswordName.Missed", 403)
    assert cloud.guest(windows).history == []


# ---- RunCommand validation ------------------------------------------------------------------


def test_missing_command_content_is_refused_with_missing_parameter(
    ecs: EcsClient, linux: str
) -> None:
    request = ecs_models.RunCommandRequest(
        region_id=REGION, type="RunShellScript", instance_id=[linux]
    )

    error = _refused(lambda: ecs.run_command(request))

    assert (error.code, error.status_code) == ("MissingParameter", 400)
    assert "CommandContent" in error.data["Message"]


def test_missing_type_is_refused_with_missing_parameter(ecs: EcsClient, linux: str) -> None:
    request = ecs_models.RunCommandRequest(
        region_id=REGION, command_content="whoami", instance_id=[linux]
    )

    error = _refused(lambda: ecs.run_command(request))

    assert (error.code, error.status_code) == ("MissingParameter", 400)
    assert "Type" in error.data["Message"]


def test_unknown_type_is_refused_with_invalid_cmd_type(linux: str, run_command) -> None:
    error = _refused(lambda: run_command(linux, "whoami", type="RunPythonScript"))

    assert (error.code, error.status_code) == ("InvalidCmdType.NotFound", 403)


def test_no_instance_is_refused_with_missing_param_instance_id(run_command) -> None:
    error = _refused(lambda: run_command([], "whoami"))

    assert (error.code, error.status_code) == ("MissingParam.InstanceId", 400)


def test_101_instances_are_refused_with_instance_ids_exceed_limit(
    cloud: FakeCloud, ecs: EcsClient, linux: str, run_command
) -> None:
    error = _refused(lambda: run_command([linux] + [f"i-{n:020d}" for n in range(100)], "whoami"))

    assert (error.code, error.status_code) == ("InstanceIds.ExceedLimit", 403)
    assert _invocations(ecs) == []
    assert cloud.guest(linux).history == []


def test_unknown_instance_is_refused_with_invalid_instance_not_found(
    cloud: FakeCloud, ecs: EcsClient, linux: str, run_command
) -> None:
    error = _refused(lambda: run_command([linux, "i-doesnotexist000000000"], "whoami"))

    assert (error.code, error.status_code) == ("InvalidInstance.NotFound", 404)
    assert _invocations(ecs) == []
    assert cloud.guest(linux).history == []


def test_shell_script_on_windows_is_refused_with_invalid_instance_not_match(
    windows: str, run_command
) -> None:
    error = _refused(lambda: run_command(windows, "whoami", type="RunShellScript"))

    assert (error.code, error.status_code) == ("InvalidInstance.NotMatch", 400)


def test_instance_in_another_region_is_not_found_from_cn_hangzhou(
    cloud: FakeCloud, ecs_as: Callable[..., EcsClient], run_command
) -> None:
    shanghai = cloud.add_instance(os="linux", region="cn-shanghai", users=["user01"])

    error = _refused(lambda: run_command(shanghai, "whoami", username="user01"))
    in_its_region = ecs_as(cloud.root_access_key, "cn-shanghai").run_command(
        ecs_models.RunCommandRequest(
            region_id="cn-shanghai",
            type="RunShellScript",
            command_content="whoami",
            instance_id=[shanghai],
        )
    )

    assert (error.code, error.status_code) == ("InvalidInstance.NotFound", 404)
    assert in_its_region.body.invoke_id.startswith("t-")


def test_ecs_error_body_has_alibabas_envelope(ecs: EcsClient, run_command) -> None:
    error = _refused(lambda: run_command("i-doesnotexist000000000", "whoami"))

    body = error.data
    assert {"RequestId", "HostId", "Code", "Message", "Recommend"} <= set(body)
    assert body["RequestId"] == error.request_id
    assert body["HostId"] == "ecs-cn-hangzhou.aliyuncs.com"
    assert body["Message"] == "The specified instance does not exist."
    assert "product=Ecs" in body["Recommend"]


# ---- commands, invocations, stopping --------------------------------------------------------


def test_created_command_is_described_invoked_and_deleted(
    cloud: FakeCloud, ecs: EcsClient, linux: str
) -> None:
    created = ecs.create_command(
        ecs_models.CreateCommandRequest(
            region_id=REGION,
            name="who",
            type="RunShellScript",
            command_content=base64.b64encode(b"whoami").decode("ascii"),
            content_encoding="Base64",
            description="prints the user",
        )
    ).body
    [described] = _kept_commands(ecs, command_id=created.command_id)

    invoke_id = ecs.invoke_command(
        ecs_models.InvokeCommandRequest(
            region_id=REGION,
            command_id=created.command_id,
            instance_id=[linux],
            username="user02",
        )
    ).body.invoke_id
    result, _ = _wait(ecs, invoke_id, encoding="PlainText")

    assert described.name == "who"
    assert described.description == "prints the user"
    assert base64.b64decode(described.command_content) == b"whoami"
    assert result.output == "user02\n"
    assert result.command_id == created.command_id
    assert _kept_commands(ecs, command_id=created.command_id)[0].invoke_times == 1

    ecs.delete_command(
        ecs_models.DeleteCommandRequest(region_id=REGION, command_id=created.command_id)
    )

    assert _kept_commands(ecs, command_id=created.command_id) == []
    error = _refused(
        lambda: ecs.invoke_command(
            ecs_models.InvokeCommandRequest(
                region_id=REGION, command_id=created.command_id, instance_id=[linux]
            )
        )
    )
    assert (error.code, error.status_code) == ("InvalidCmdId.NotFound", 404)
    assert cloud.guest(linux).history == [("user02", "whoami")]


def test_deleting_an_unknown_command_is_refused_with_invalid_cmd_id(ecs: EcsClient) -> None:
    error = _refused(
        lambda: ecs.delete_command(
            ecs_models.DeleteCommandRequest(region_id=REGION, command_id="c-doesnotexist")
        )
    )

    assert (error.code, error.status_code) == ("InvalidCmdId.NotFound", 404)


def test_kept_command_is_described_and_an_unkept_one_is_not(
    ecs: EcsClient, linux: str, run_command
) -> None:
    kept = run_command(linux, "echo kept", keep_command=True, name="kept").command_id
    dropped = run_command(linux, "echo dropped", keep_command=False, name="dropped").command_id

    listed = {c.command_id: c for c in _kept_commands(ecs)}

    assert kept in listed
    assert dropped not in listed
    assert base64.b64decode(listed[kept].command_content) == b"echo kept"


def test_describe_invocations_rolls_up_per_instance_statuses(
    cloud: FakeCloud, ecs: EcsClient, linux: str, run_command
) -> None:
    other = cloud.add_instance(os="linux", region=REGION, users=["user02"])
    invoke_id = run_command([linux, other], "whoami", username="user01").invoke_id

    first = _invocations(ecs, invoke_id=invoke_id)[0]
    for instance_id in (linux, other):
        _wait(ecs, invoke_id, instance_id=instance_id)
    [final] = _invocations(
        ecs, invoke_id=invoke_id, include_output=True, content_encoding="PlainText"
    )

    assert first.invocation_status in ("Pending", "Running")
    assert final.invocation_status == "PartialFailed"
    assert final.command_content == "whoami"
    assert final.username == "user01"
    per_instance = {i.instance_id: i for i in final.invoke_instances.invoke_instance}
    assert set(per_instance) == {linux, other}
    assert (per_instance[linux].invocation_status, per_instance[linux].output) == (
        "Success",
        "user01\n",
    )
    assert (per_instance[other].invocation_status, per_instance[other].error_code) == (
        "Failed",
        "AccountNotExists",
    )


def test_describe_invocations_success_when_every_instance_succeeds(
    ecs: EcsClient, linux: str, run_command
) -> None:
    invoke_id = run_command(linux, "hostname").invoke_id
    _wait(ecs, invoke_id)

    [invocation] = _invocations(ecs, invoke_id=invoke_id)

    assert invocation.invocation_status == "Success"
    assert invocation.invoke_status == "Finished"


def test_stopping_before_start_cancels_and_nothing_runs(
    cloud: FakeCloud, ecs: EcsClient, linux: str, run_command
) -> None:
    invoke_id = run_command(linux, "whoami", username="user01").invoke_id

    ecs.stop_invocation(ecs_models.StopInvocationRequest(region_id=REGION, invoke_id=invoke_id))
    result, _ = _wait(ecs, invoke_id)
    [invocation] = _invocations(ecs, invoke_id=invoke_id)

    assert result.invocation_status == "Cancelled"
    assert result.exit_code is None
    assert result.stop_time
    assert invocation.invocation_status == "Stopped"
    assert cloud.guest(linux).history == []


def test_stopping_an_unknown_invocation_is_refused_with_invalid_invoke_id(ecs: EcsClient) -> None:
    error = _refused(
        lambda: ecs.stop_invocation(
            ecs_models.StopInvocationRequest(region_id=REGION, invoke_id="t-doesnotexist")
        )
    )

    assert (error.code, error.status_code) == ("InvalidInvokeId.NotFound", 404)


def test_cloud_assistant_status_reports_each_instance(
    ecs: EcsClient, linux: str, windows: str, run_command
) -> None:
    _wait(ecs, run_command(linux, "whoami").invoke_id)

    body = ecs.describe_cloud_assistant_status(
        ecs_models.DescribeCloudAssistantStatusRequest(
            region_id=REGION, instance_id=[linux, windows]
        )
    ).body
    statuses = {
        s.instance_id: s
        for s in body.instance_cloud_assistant_status_set.instance_cloud_assistant_status
    }

    assert body.total_count == 2
    assert statuses[linux].cloud_assistant_status == "true"
    assert (statuses[linux].ostype, statuses[windows].ostype) == ("Linux", "Windows")
    assert (statuses[linux].invocation_count, statuses[windows].invocation_count) == (1, 0)
    assert statuses[linux].active_task_count == 0


def test_cloud_assistant_status_of_an_unknown_instance_is_not_found(ecs: EcsClient) -> None:
    error = _refused(
        lambda: ecs.describe_cloud_assistant_status(
            ecs_models.DescribeCloudAssistantStatusRequest(
                region_id=REGION, instance_id=["i-doesnotexist000000000"]
            )
        )
    )

    assert (error.code, error.status_code) == ("InvalidInstance.NotFound", 404)


def test_client_token_makes_run_command_idempotent(
    cloud: FakeCloud, ecs: EcsClient, linux: str, run_command
) -> None:
    first = run_command(linux, "whoami", username="user01", client_token="deploy-42")
    second = run_command(linux, "whoami", username="user01", client_token="deploy-42")
    _wait(ecs, first.invoke_id)

    assert (second.invoke_id, second.command_id) == (first.invoke_id, first.command_id)
    assert len(_invocations(ecs)) == 1
    assert cloud.guest(linux).history == [("user01", "whoami")]


def test_different_client_tokens_run_twice(
    cloud: FakeCloud, ecs: EcsClient, linux: str, run_command
) -> None:
    first = run_command(linux, "whoami", username="user01", client_token="a")
    second = run_command(linux, "whoami", username="user01", client_token="b")
    _wait(ecs, first.invoke_id)
    _wait(ecs, second.invoke_id)

    assert first.invoke_id != second.invoke_id
    assert len(cloud.guest(linux).history) == 2


def test_a_client_token_reused_for_another_request_is_a_mismatch(
    cloud: FakeCloud, ecs: EcsClient, linux: str, run_command
) -> None:
    run_command(linux, "whoami", username="user01", client_token="deploy-43")
    with pytest.raises(ClientException) as mismatch:
        run_command(linux, "whoami", username="root", client_token="deploy-43")

    assert (mismatch.value.code, mismatch.value.status_code) == (
        "IdempotentParameterMismatch",
        403,
    )
    _wait(ecs, _invocations(ecs)[0].invoke_id)
    assert cloud.guest(linux).history == [("user01", "whoami")]


# ---- authorization with the guide's policies ------------------------------------------------


@pytest.fixture
def allow_list_user(ram_user: Callable[..., Key], guide_policy: Callable[[str], str]) -> Key:
    return ram_user("commandUser", custom={"commandUserPolicy": guide_policy("allowlist")})


@pytest.fixture
def deny_list_user(ram_user: Callable[..., Key], guide_policy: Callable[[str], str]) -> Key:
    return ram_user(
        "commandUser",
        custom={"commandUserPolicy": guide_policy("denylist")},
        system=["AliyunECSReadOnlyAccess"],
    )


def _assert_refused_as_root(
    cloud: FakeCloud, ecs: EcsClient, linux: str, error: ClientException
) -> None:
    assert (error.code, error.status_code) == ("Forbidden.RAM", 403)
    detail = error.access_denied_detail
    assert detail is not None
    assert detail["NoPermissionType"] == "ImplicitDeny"
    assert detail["AuthAction"] == "ecs:RunCommand"
    assert detail["AuthPrincipalType"] == "SubUser"
    assert detail["AuthPrincipalDisplayName"] == "commandUser"
    assert _invocations(ecs, instance_id=linux) == []
    assert cloud.guest(linux).history == []


def test_allow_list_refuses_run_as_root_with_forbidden_ram(
    cloud: FakeCloud,
    ecs: EcsClient,
    ecs_as: Callable[..., EcsClient],
    linux: str,
    run_command,
    allow_list_user: Key,
) -> None:
    client = ecs_as(allow_list_user)

    error = _refused(lambda: run_command(linux, "whoami", client=client, username="root"))

    _assert_refused_as_root(cloud, ecs, linux, error)


def test_allow_list_refuses_run_without_username_because_the_default_is_root(
    cloud: FakeCloud,
    ecs: EcsClient,
    ecs_as: Callable[..., EcsClient],
    linux: str,
    run_command,
    allow_list_user: Key,
) -> None:
    error = _refused(lambda: run_command(linux, "whoami", client=ecs_as(allow_list_user)))

    _assert_refused_as_root(cloud, ecs, linux, error)


def test_allow_list_runs_as_user01(
    cloud: FakeCloud,
    ecs: EcsClient,
    ecs_as: Callable[..., EcsClient],
    linux: str,
    run_command,
    allow_list_user: Key,
) -> None:
    client = ecs_as(allow_list_user)

    invoke_id = run_command(linux, "whoami", client=client, username="user01").invoke_id
    result, _ = _wait(ecs, invoke_id, encoding="PlainText")

    assert (result.invocation_status, result.output) == ("Success", "user01\n")
    assert cloud.guest(linux).history == [("user01", "whoami")]


def test_deny_list_with_read_only_refuses_run_as_root(
    cloud: FakeCloud,
    ecs: EcsClient,
    ecs_as: Callable[..., EcsClient],
    linux: str,
    run_command,
    deny_list_user: Key,
) -> None:
    client = ecs_as(deny_list_user)

    error = _refused(lambda: run_command(linux, "whoami", client=client, username="ROOT"))

    _assert_refused_as_root(cloud, ecs, linux, error)


def test_deny_list_with_read_only_runs_as_user01_and_reads_its_own_results(
    cloud: FakeCloud,
    ecs_as: Callable[..., EcsClient],
    linux: str,
    run_command,
    deny_list_user: Key,
) -> None:
    client = ecs_as(deny_list_user)

    invoke_id = run_command(linux, "whoami", client=client, username="user01").invoke_id
    result, _ = _wait(client, invoke_id, encoding="PlainText")

    assert (result.invocation_status, result.output) == ("Success", "user01\n")
    assert cloud.guest(linux).history == [("user01", "whoami")]


# "An unknown action is refused" goes through the SDK's generic `call_api`: tests/test_wire.py.


def test_delete_command_refuses_before_revealing_whether_the_command_exists(
    ecs_as: Callable[..., EcsClient], allow_list_user: Key
) -> None:
    """Under the allow-list, DeleteCommand carries no run-as user (A8), so it is refused; the
    refusal comes first, so an unknown id and a real one look the same to the caller."""
    client = ecs_as(allow_list_user)
    with pytest.raises(ClientException) as refused:
        client.delete_command(
            ecs_models.DeleteCommandRequest(region_id=REGION, command_id="c-doesnotexist")
        )
    assert (refused.value.code, refused.value.status_code) == ("Forbidden.RAM", 403)
