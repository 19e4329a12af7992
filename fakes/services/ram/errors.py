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
}


def not_found(what: str) -> ApiError:
    return ApiError(f"EntityNotExist.{what}", _NOT_FOUND[what], 404)


def already_exists(what: str) -> ApiError:
    """`what` is "User", "Policy" or "Role"."""
    return ApiError(f"EntityAlreadyExists.{what}", f"The {what.lower()} does already EXIST.", 409)


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
    """`holder` is "User" or "Role"."""
    return ApiError(
        f"EntityAlreadyExists.{holder}.Policy",
        f"The {holder.lower()} has already been attached this policy.",
        409,
    )


def too_many_attached(holder: str, system_limit: int, custom_limit: int) -> ApiError:
    return ApiError(
        f"LimitExceeded.{holder}.Policy",
        f"The {holder.lower()} can be attached up to {system_limit} system policies "
        f"and up to {custom_limit} custom policies.",
        409,
    )
