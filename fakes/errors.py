"""Alibaba Cloud API errors as the fake raises them: the code, message and HTTP status of the wire.

Services raise `ApiError`; the wire layer turns it into Alibaba's JSON error envelope. Codes and
messages are copied from shared/reference/alibaba-cloud.md; they are never invented here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ApiError(Exception):
    """An error answer: HTTP status, Alibaba error `Code` and `Message`, optional extra fields."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        *,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.extra: dict[str, Any] = dict(extra or {})


def missing_parameter(name: str) -> ApiError:
    return ApiError(
        "MissingParameter",
        f'The input parameter "{name}" that is mandatory for processing this request is not '
        "supplied.",
        400,
    )


def invalid_parameter(name: str, value: str, why: str = "") -> ApiError:
    suffix = f" {why}" if why else ""
    return ApiError(
        "InvalidParameter",
        f'The specified parameter "{name}" is not valid: `{value}`.{suffix}',
        400,
    )


def unknown_action(action: str, product: str) -> ApiError:
    # A10: the answer to an action the product does not have.
    return ApiError(
        "InvalidAction.NotFound",
        f"Specified api is not found, please check your url and method. ({product} {action})",
        404,
    )


def unknown_version(version: str) -> ApiError:
    return ApiError(
        "InvalidVersion", f"Specified parameter Version is not valid: `{version}`.", 400
    )
