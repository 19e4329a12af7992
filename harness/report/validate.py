"""The bundle against its published schema, before it is written: a consumer never gets a
bundle its schema rejects."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from harness.errors import HarnessError
from harness.report.bundle import Bundle, schema


def check(bundle: Bundle | dict[str, Any]) -> None:
    validator = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    error = next(iter(sorted(validator.iter_errors(bundle), key=lambda e: list(e.path))), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the top"
        raise HarnessError(
            f"the evidence bundle does not match its schema at `{where}`: {error.message}"
        )
