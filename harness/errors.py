"""The harness's own errors: one actionable line each, never posing as an Alibaba error."""

from __future__ import annotations


class HarnessError(Exception):
    """Something the person running the spec must fix; `str()` is one line saying what and how."""


class SpecViolation(AssertionError):
    """The cloud did not behave as the spec says: the finding a reviewer reads, in one line."""
