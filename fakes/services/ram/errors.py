"""RAM's error answers: codes, messages and statuses as shared/reference section 6.4 records
them, and the name rules whose breach they report."""

from __future__ import annotations

import re

from fakes.errors import ApiError

_NOT_FOUND = {
    "User": "The user does not exist.",
    "User.AccessKey": "The user access key does not exist.",
    "User.Policy": "The indicate policy of the user does not exist.",
    "Policy": "The policy does not exist.",
    "Policy.Version": "The policy version does not exist.",
    "Role": "The role does not exist.",
    "Role.Policy": "The policy of the role does not exist.",
    # [D-RAM-ERR] (AlibabaCloudDocs/ram, API Reference/Error messages.md)
    "Group": "The group does not exist.",
    "Group.Policy": "The indicate policy attached to the group does not exist.",
    "User.Group": "The user has not joined the group.",
}


def not_found(what: str) -> ApiError:
    return ApiError(f"EntityNotExist.{what}", _NOT_FOUND[what], 404)


def already_exists(what: str) -> ApiError:
    """`what` is "User", "Policy", "Role" or "Group"."""
    return ApiError(f"EntityAlreadyExists.{what}", f"The {what.lower()} does already EXIST.", 409)


def already_joined() -> ApiError:
    return ApiError("EntityAlreadyExists.User.Group", "The user has already joined the group.", 409)


def too_many_groups_joined() -> ApiError:
    return ApiError(
        "LimitExceeded.User.Group",
        "The count of groups the target user joined beyond the current limits.",
        409,
    )


def too_many_groups() -> ApiError:
    return ApiError("LimitExceeded.Group", "The count of groups beyond the current limits.", 409)


def delete_conflict(code: str) -> ApiError:
    """The 409 answers of DeleteUser, DeleteGroup and DeletePolicy [D-RAM-ERR]."""
    return ApiError(f"DeleteConflict.{code}", _CONFLICTS[code], 409)


_CONFLICTS = {
    "User.Group": "The user CAN NOT be in any group while deleting the user.",
    "Group.User": "The group CAN NOT has any user member while deleting the group.",
    "Group.Policy": "The entity CAN NOT has any attached policy while deleting the group.",
    "Policy.Group": "The policy CAN NOT been attached to any group while deleting the policy.",
}


def checked_name(value: str, param: str, limit: int, allowed: re.Pattern[str]) -> str:
    """A user or policy name within RAM's length and character rules, or RAM's error for it."""
    if len(value) > limit:
        raise ApiError(
            f"InvalidParameter.{param}.Length",
            f'The length of the parameter "{param}" exceeds the limit (1-{limit}).',
            400,
        )
    if not allowed.match(value):
        raise ApiError(
            f"InvalidParameter.{param}.InvalidChars",
            f'The parameter "{param}" contains invalid chars.',
            400,
        )
    return value


def document_too_long(param: str, limit: int) -> ApiError:
    return ApiError(
        "InvalidParameter.PolicyDocument.Length",
        f'The length of the parameter "{param}" exceeds the limit (1-{limit}).',
        400,
    )


def malformed_document(why: str) -> ApiError:
    return ApiError("MalformedPolicyDocument", why, 400)


def invalid_policy_type() -> ApiError:
    return ApiError(
        "InvalidParameter.PolicyType", 'The parameter - "PolicyType" is incorrect.', 400
    )


def already_attached(holder: str) -> ApiError:
    """`holder` is "User", "Group" or "Role"."""
    return ApiError(
        f"EntityAlreadyExists.{holder}.Policy",
        f"The {holder.lower()} has already been attached this policy.",
        409,
    )


def too_many_attached(holder: str, system_limit: int, custom_limit: int) -> ApiError:
    if holder == "Group":  # [D-RAM-ERR]
        return ApiError(
            "LimitExceeded.Group.Policy",
            "The policy count of the group beyond the current limits.",
            409,
        )
    return ApiError(
        f"LimitExceeded.{holder}.Policy",
        f"The {holder.lower()} can be attached up to {system_limit} system policies "
        f"and up to {custom_limit} custom policies.",
        409,
    )


def bad_marker(value: str) -> ApiError:
    """A60: a `Marker` this listing never handed out."""
    return ApiError(
        "InvalidParameter.Marker", f'The parameter "Marker" is invalid: `{value}`.', 400
    )


def unknown_resource_group(value: str) -> ApiError:
    """A62: a `ResourceGroupId` naming no resource group of the account."""
    return ApiError(
        "InvalidParameter.ResourceGroupId",
        f'The parameter "ResourceGroupId" names no resource group: `{value}`.',
        400,
    )
