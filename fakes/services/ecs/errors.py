"""ECS's error answers: codes, messages and statuses as shared/reference sections 1.5 and 1.8
record them. Where the fake declines to model a parameter it says so by name."""

from __future__ import annotations

from fakes.errors import ApiError


def unsupported(what: str) -> ApiError:
    """What the fake does not model, refused by name rather than pretended."""
    return ApiError("UnsupportedParameter", f"The fake cloud does not model {what}.", 400)


def unmodelled_parameter(action: str, name: str) -> ApiError:
    """A request parameter the fake does not model (`fakes.services.ecs.unmodelled`)."""
    return ApiError(
        "UnsupportedParameter",
        f"The fake cloud does not model the parameter {name} of {action}: it refuses the request "
        "rather than ignore it.",
        400,
    )


def too_many_instances() -> ApiError:
    return ApiError(
        "InstanceIds.ExceedLimit", "The number of instance IDs exceeds the upper limit.", 403
    )


def instance_not_found() -> ApiError:
    return ApiError("InvalidInstance.NotFound", "The specified instance does not exist.", 404)


def instance_id_not_found() -> ApiError:
    """The instance-role calls' spelling of an unknown instance."""
    return ApiError("InvalidInstanceId.NotFound", "The specified InstanceId does not exist.", 404)


def missing_instance_id() -> ApiError:
    return ApiError("MissingParam.InstanceId", "The parameter instanceId is missing or empty.", 400)


def instance_ids_malformed(why: str) -> ApiError:
    return ApiError(
        "InvalidInstanceIds.Malformed", f"The specified parameter InstanceIds {why}.", 400
    )


def instance_os_mismatch() -> ApiError:
    return ApiError(
        "InvalidInstance.NotMatch", "The specified instance type does not match the command.", 400
    )


def command_type_not_found() -> ApiError:
    return ApiError("InvalidCmdType.NotFound", "The specified command type does not exist.", 403)


def command_too_long() -> ApiError:
    return ApiError("CmdContent.ExceedLimit", "The maximum length of a command is exceeded.", 403)


def too_long(code: str, what: str) -> ApiError:
    return ApiError(code, f"The length of the {what} exceeds the upper limit.", 403)


def repeat_mode_not_found() -> ApiError:
    return ApiError("InvalidRepeatMode.NotFound", "The specified repeat mode does not exist.", 404)


def windows_password_missing() -> ApiError:
    return ApiError(
        "WindowsPasswordName.Missed",
        "WindowsPasswordName must be specified when you create a Windows task.",
        403,
    )


def client_token_malformed() -> ApiError:
    return ApiError("InvalidClientToken.Malformed", "The specified ClientToken is malformed.", 400)


def client_token_mismatch() -> ApiError:
    return ApiError(
        "IdempotentParameterMismatch",
        "Request uses a client token in a previous request but is not identical to that request.",
        403,
    )


def command_not_found() -> ApiError:
    return ApiError("InvalidCmdId.NotFound", "The specified command ID does not exist.", 404)


def invocation_not_found() -> ApiError:
    return ApiError("InvalidInvokeId.NotFound", "The specified invoke ID does not exist.", 404)


def role_not_found() -> ApiError:
    return ApiError("InvalidRamRole.NotFound", "The specified ram role does not exist.", 404)


def role_not_for_ecs() -> ApiError:
    return ApiError(
        "InvalidRamRole.NotEcsRole",
        "The specified ram role is not authorized for ecs, please check your role policy.",
        404,
    )


def pass_role_forbidden() -> ApiError:
    return ApiError(
        "InvalidUser.PassRoleForbidden",
        "The RAM user does not have the privilege to pass a RAM role.",
        403,
    )


def parameter_disabled() -> ApiError:
    """`Parameters` sent without `EnableParameter` (InvokeCommand API reference)."""
    return ApiError(
        "Parameter.Disabled", "The parameter is disabled, specify EnableParameter true.", 404
    )


def invalid_frequency(why: str) -> ApiError:
    return ApiError(
        "InvalidFrequency.Malformed", f"The specified frequency is invalid: {why}.", 400
    )


def invalid_termination_mode() -> ApiError:
    return ApiError("InvalidTerminationMode", "The specified TerminationMode is not valid.", 400)


def not_periodic() -> ApiError:
    """ModifyInvocationAttribute on a task that runs once (API reference: periodic tasks only)."""
    return ApiError(
        "InvalidOperation.InvocationNotPeriodic",
        "The invocation is not a scheduled or reboot task.",
        400,
    )


def session_not_found() -> ApiError:
    return ApiError("InvalidSessionId.NotFound", "The specified session does not exist.", 404)


def file_content_missing() -> ApiError:
    return ApiError("MissingParameter.Content", "The parameter Content is missing.", 400)


def resource_group_mismatch(group: str) -> ApiError:
    """An instance outside the ResourceGroupId named (the code is NOT FOUND: A81)."""
    return ApiError(
        "InvalidResourceGroupId.Mismatch",
        f"The specified instance does not belong to the resource group {group}.",
        400,
    )


def invalid_file_mode() -> ApiError:
    return ApiError("InvalidFileMode", "The specified parameter FileMode is not valid.", 400)


def invalid_target_dir() -> ApiError:
    return ApiError("InvalidTargetDir", "The specified parameter TargetDir is not valid.", 400)


def file_too_many_instances() -> ApiError:
    return ApiError(
        "InstanceIds.ExceedLimit", "The number of instance IDs exceeds the upper limit.", 403
    )


def invalid_password() -> ApiError:
    return ApiError(
        "InvalidPassword.Malformed", "The specified parameter Password is not valid.", 400
    )


def invalid_user_data() -> ApiError:
    return ApiError(
        "InvalidUserData.Base64FormatInvalid", "The specified UserData is not valid Base64.", 400
    )


def dry_run_passed() -> ApiError:
    return ApiError(
        "DryRunOperation", "Request validation has been passed with DryRun flag set.", 400
    )
