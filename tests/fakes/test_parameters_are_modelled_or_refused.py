"""Every parameter the installed SDK's request model lists for a side-door action is either
modelled, with a behavioural test that shows it at work (named below), or refused by name
(`fakes.services.ecs.unmodelled.UNMODELLED`), through the official SDK. A parameter a newer SDK
adds fails the first test until it is modelled or refused: the fake never accepts a parameter
and silently ignores it ("a command the fake does not know is not proof that a user cannot
do it")."""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as m
from alibabacloud_ecs20140526.client import Client as EcsClient

from fakes.services.ecs.unmodelled import ACCOUNT_PARAMETERS, UNMODELLED

from ._ca import REGION, refused

#: The test modules (under tests/fakes) where a behaviour is shown, by test function name.
TEST_MODULES = (
    "test_side_doors",
    "test_side_door_parameters",
    "test_cloud_assistant",
    "test_windows_services",
    "test_key_pairs",
)
SENT = "test_send_file_writes_a_root_owned_sudoers_file_that_grants_sudo"
SEND_B64 = "test_send_file_decodes_base64_content_and_sets_the_mode_and_description"
SEND_TIMEOUT = "test_send_file_timeout_below_10_is_raised_and_one_past_a_day_is_refused"
SEND_TAGS = "test_send_file_tags_are_shown_and_filter_the_results"
SEND_GROUP = "test_send_file_resource_group_must_hold_each_instance_and_filters_the_results"
FILE_RESULTS = "test_send_file_results_filter_by_status_and_page_by_token"
OWNED = "test_a_sudoers_file_owned_by_a_user_grants_nothing"
REGION_TEST = "test_instance_in_another_region_is_not_found_from_cn_hangzhou"
SESSION = "test_a_session_with_no_user_runs_as_ecs_assist_user_who_the_agent_makes_a_sudoer"
SESSION_AS = "test_a_session_to_a_port_as_a_user_is_described_as_asked"
SESSION_PAGES = "test_terminal_sessions_page_by_token"
TASK_REWRITE = "test_a_reboot_task_rewritten_by_modify_invocation_attribute_runs_as_root"
TASK_MODIFY = "test_modify_invocation_attribute_changes_the_frequency_and_adds_instances"
COMMAND_MODIFY = "test_modify_command_changes_name_description_timeout_and_working_dir"
ROOT_PASSWORD = "test_modify_instance_attribute_sets_the_root_password"
ROLE = "test_only_a_role_that_trusts_ecs_can_be_attached"
KEY_ROOTS = "test_the_bound_key_is_roots_after_the_next_restart"
CONTAINER = "test_a_run_or_an_invocation_in_a_container_runs_as_root_whatever_the_username"
CUSTOM = "test_custom_parameters_are_not_modelled_and_say_so"
RUN_REPORT = "test_run_command_reports_its_name_description_timeout_and_working_dir"
INVOKE_SCHEDULE = "test_invoke_command_takes_a_schedule_a_timeout_and_a_termination_mode"
SAVED = "test_created_command_is_described_invoked_and_deleted"

CONNECTION = "test_connection_type_chooses_the_network_of_the_url_and_an_unknown_one_is_refused"
SAVED_WINDOWS = "test_a_saved_command_is_invoked_as_user01_with_the_password_parameter"

MODELLED: dict[str, dict[str, str]] = {
    "SendFile": {
        "RegionId": REGION_TEST,
        "InstanceId": SENT,
        "Name": SENT,
        "TargetDir": SENT,
        "Content": SENT,
        "FileOwner": OWNED,
        "FileGroup": OWNED,
        "FileMode": SEND_B64,
        "ContentType": SEND_B64,
        "Description": SEND_B64,
        "Overwrite": "test_send_file_without_overwrite_leaves_an_existing_file",
        "Timeout": SEND_TIMEOUT,
        "Tag": SEND_TAGS,
        "ResourceGroupId": SEND_GROUP,
    },
    "DescribeSendFileResults": {
        "RegionId": REGION_TEST,
        "InvokeId": SEND_B64,
        "InstanceId": FILE_RESULTS,
        "Name": FILE_RESULTS,
        "InvocationStatus": FILE_RESULTS,
        "PageNumber": FILE_RESULTS,
        "PageSize": FILE_RESULTS,
        "MaxResults": FILE_RESULTS,
        "NextToken": FILE_RESULTS,
        "Tag": SEND_TAGS,
        "ResourceGroupId": SEND_GROUP,
    },
    "StartTerminalSession": {
        "RegionId": REGION_TEST,
        "InstanceId": SESSION,
        "Username": SESSION_AS,
        "CommandLine": SESSION_AS,
        "PortNumber": SESSION_AS,
        "TargetServer": SESSION_AS,
        "PasswordName": "test_a_session_as_user01_logs_on_with_the_password_from_oos",
        "ConnectionType": CONNECTION,
    },
    "EndTerminalSession": {
        "RegionId": REGION_TEST,
        "SessionId": "test_ending_an_unknown_session_is_refused",
    },
    "DescribeTerminalSessions": {
        "RegionId": REGION_TEST,
        "SessionId": SESSION,
        "InstanceId": SESSION_AS,
        "MaxResults": SESSION_PAGES,
        "NextToken": SESSION_PAGES,
    },
    "ModifyInvocationAttribute": {
        "RegionId": REGION_TEST,
        "InvokeId": "test_a_task_that_runs_once_cannot_be_modified",
        "CommandContent": TASK_REWRITE,
        "ContentEncoding": TASK_REWRITE,
        "Frequency": TASK_MODIFY,
        "InstanceId": TASK_MODIFY,
        "Parameters": TASK_MODIFY,
        "EnableParameter": TASK_MODIFY,
    },
    "ModifyCommand": {
        "RegionId": REGION_TEST,
        "CommandId": COMMAND_MODIFY,
        "Name": COMMAND_MODIFY,
        "Description": COMMAND_MODIFY,
        "Timeout": COMMAND_MODIFY,
        "WorkingDir": COMMAND_MODIFY,
        # "deprecated and does not take effect even if specified": it never changes what runs.
        "CommandContent": "test_modify_command_never_changes_what_runs",
    },
    "ModifyInstanceAttribute": {
        "InstanceId": ROOT_PASSWORD,
        "Password": ROOT_PASSWORD,
        "UserData": "test_user_data_that_is_not_base64_text_is_refused",
        "InstanceName": "test_modify_instance_attribute_renames_the_instance",
    },
    "AttachInstanceRamRole": {
        "RegionId": REGION_TEST,
        "InstanceIds": ROLE,
        "RamRoleName": ROLE,
    },
    "AttachKeyPair": {
        "RegionId": KEY_ROOTS,
        "InstanceIds": KEY_ROOTS,
        "KeyPairName": KEY_ROOTS,
    },
    "ImportKeyPair": {
        "RegionId": KEY_ROOTS,
        "KeyPairName": "test_names_and_instances_the_fake_refuses",
        "PublicKeyBody": "test_a_public_key_that_is_not_one_is_refused",
    },
    "RunCommand": {
        "RegionId": REGION_TEST,
        "Type": "test_unknown_type_is_refused_with_invalid_cmd_type",
        "CommandContent": "test_base64_command_content_is_decoded_before_it_runs",
        "ContentEncoding": "test_base64_command_content_is_decoded_before_it_runs",
        "InstanceId": "test_101_instances_are_refused_with_instance_ids_exceed_limit",
        "Username": "test_whoami_as_user01_prints_user01",
        "WindowsPasswordName": "test_the_agent_logs_on_with_the_password_from_oos",
        "ClientToken": "test_client_token_makes_run_command_idempotent",
        "KeepCommand": "test_kept_command_is_described_and_an_unkept_one_is_not",
        "Name": RUN_REPORT,
        "Description": RUN_REPORT,
        "Timeout": RUN_REPORT,
        "WorkingDir": RUN_REPORT,
        "RepeatMode": "test_a_reboot_task_rewritten_by_modify_invocation_attribute_runs_as_root",
        "Frequency": "test_a_rate_task_runs_each_interval_on_the_virtual_clock_and_keeps_its_user",
        "TerminationMode": "test_termination_mode_is_accepted",
        "Timed": "test_timed_is_deprecated_and_does_not_take_effect",
        "ContainerId": CONTAINER,
        "ContainerName": CONTAINER,
        "EnableParameter": CUSTOM,
        "Parameters": "test_parameters_the_fake_does_not_model_are_refused_by_name",
    },
    "InvokeCommand": {
        "RegionId": REGION_TEST,
        "CommandId": SAVED,
        "InstanceId": SAVED,
        "Username": "test_create_command_reads_base64_when_no_encoding_is_named",
        "WindowsPasswordName": SAVED_WINDOWS,
        "ClientToken": "test_a_client_token_makes_invoke_command_idempotent",
        "RepeatMode": INVOKE_SCHEDULE,
        "Frequency": INVOKE_SCHEDULE,
        "Timeout": INVOKE_SCHEDULE,
        "TerminationMode": INVOKE_SCHEDULE,
        "Timed": INVOKE_SCHEDULE,
        "ContainerId": CONTAINER,
        "ContainerName": CONTAINER,
        "Parameters": CUSTOM,
    },
}

#: A value of the right shape for a refused parameter (the SDK's from_map builds the model).
SAMPLES: dict[str, Any] = {
    "Tag": [{"Key": "team", "Value": "ops"}],
    "ResourceTag": [{"Key": "team", "Value": "ops"}],
    "SecurityGroupIds": ["sg-1"],
    "CpuOptions": {"Core": 2},
    "PrivateDnsNameOptions": {"HostnameType": "IpBased"},
    "RemoteConnectionOptions": {"Type": "password", "Password": "Passw0rd!"},
    "EncryptionOptions": {"Enabled": True, "Mode": "Auto"},
    "OwnerId": 1,
    "ResourceOwnerId": 1,
    "DeletionProtection": True,
    "EnableJumboFrame": True,
    "EnableNetworkEncryption": True,
    "Recyclable": True,
    "NetworkInterfaceQueueNumber": 2,
}


def sdk_parameters(action: str) -> set[str]:
    """The wire names the SDK's request model for `action` can send (its `to_map` keys)."""
    source = inspect.getsource(getattr(m, f"{action}Request").to_map)
    return set(re.findall(r"result\['([A-Za-z0-9]+)'\]", source))


def _method(action: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower()


REFUSED = [
    (action, name)
    for action in MODELLED
    for name in sorted(sdk_parameters(action))
    if name in UNMODELLED.get(action, ())
]


def test_the_sdk_models_are_read() -> None:
    """The walk below reads real models: a broken reading would prove nothing."""
    assert {"Name", "TargetDir", "Content", "Tag", "OwnerId"} <= sdk_parameters("SendFile")
    assert {"ContainerId", "Username", "ResourceTag"} <= sdk_parameters("RunCommand")


@pytest.mark.parametrize("action", sorted(MODELLED))
def test_every_sdk_parameter_is_modelled_or_refused_by_name(action: str) -> None:
    sent = sdk_parameters(action)
    modelled, refusing = set(MODELLED[action]), set(UNMODELLED.get(action, ()))
    assert not modelled & refusing, f"{action}: both modelled and refused"
    assert not modelled - sent, f"{action}: no such SDK parameter {sorted(modelled - sent)}"
    unaccounted = sent - modelled - refusing
    assert not unaccounted, (
        f"{action}: the SDK sends {sorted(unaccounted)}, which the fake neither models (with a "
        "behavioural test named in MODELLED) nor refuses by name (fakes/services/ecs/unmodelled.py)"
    )


@pytest.mark.parametrize(
    ("action", "name", "where"),
    [(a, n, w) for a, names in sorted(MODELLED.items()) for n, w in sorted(names.items())],
)
def test_each_modelled_parameter_names_a_test_that_shows_it(
    action: str, name: str, where: str
) -> None:
    modules = [importlib.import_module(f"tests.fakes.{module}") for module in TEST_MODULES]
    holders = [module for module in modules if callable(getattr(module, where, None))]
    assert len(holders) == 1, f"{action} {name}: {where} is not one test in {TEST_MODULES}"
    # The test sends it: its SDK field (snake case) or wire name is in the test's source, or,
    # for a parameter its module's helpers send, in that module's source.
    field = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    module = holders[0]
    mentions = (inspect.getsource(getattr(module, where)), inspect.getsource(module))
    assert any(field in text or name in text for text in mentions), f"{where} never sends {name}"


@pytest.mark.parametrize(("action", "name"), REFUSED)
def test_an_unmodelled_parameter_is_refused_by_name_through_the_sdk(
    ecs: EcsClient, action: str, name: str
) -> None:
    request = getattr(m, f"{action}Request")().from_map(
        {"RegionId": REGION, name: SAMPLES.get(name, "x")}
    )
    error = refused(lambda: getattr(ecs, _method(action))(request))
    assert (error.code, error.status_code) == ("UnsupportedParameter", 400)
    assert f"does not model the parameter {name} of {action}" in error.message


def test_every_refusal_in_the_table_is_walked() -> None:
    """No refusal for these actions goes untested: each is an SDK parameter walked above, or
    a name this SDK model does not send (kept for callers that do)."""
    walked = set(REFUSED)
    for action in MODELLED:
        for name in UNMODELLED.get(action, ()):
            absent = name == "SessionMode" or name in ACCOUNT_PARAMETERS
            assert (action, name) in walked or absent, (action, name)
