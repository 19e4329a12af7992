"""`Action` and `Resource` patterns, split and case-folded once so matching is a lookup or two.

Actions match case-insensitively, resources case-sensitively (A6). A resource pattern is matched
segment by segment (service, region, account, relative id) so a `*` in the region cannot swallow
colons into the account (A26); only the relative id, the last segment, may contain `:`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fakes.policy.errors import PolicyError, json_kind, quote
from fakes.policy.glob import Glob

Segments = tuple[str, str, str, str]

_ACTION = re.compile(r"[A-Za-z0-9_*?-]+:[A-Za-z0-9_.*?-]+")
_ARN_SHAPE = "`*` or `acs:<service>:<region>:<account>:<relative-id>`"


def split_arn(resource: str) -> Segments | None:
    """A request ARN's four matchable segments, or None when it is not an `acs:` ARN."""
    parts = resource.split(":", 4)
    if len(parts) != 5 or parts[0] != "acs":
        return None
    return parts[1], parts[2], parts[3], parts[4]


def string_list(raw: object, element: str, statement: int) -> tuple[str, ...]:
    """A string or a non-empty list of strings, as `Action` and `Resource` accept."""
    if isinstance(raw, str):
        return (raw,)
    if not isinstance(raw, list | tuple):
        raise PolicyError(
            f"`{element}` must be a string or a list of strings, got {json_kind(raw)}", statement
        )
    if not raw:
        raise PolicyError(f"`{element}` must not be an empty list", statement)
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, str):
            raise PolicyError(
                f"`{element}` entry {position} must be a string, got {json_kind(item)}", statement
            )
    return tuple(raw)


@dataclass(frozen=True, slots=True)
class ActionPatterns:
    """The `Action` (or `NotAction`) list: exact names in a set, wildcards as globs."""

    written: tuple[str, ...]
    exact: frozenset[str]
    globs: tuple[Glob, ...]

    def matches(self, action: str) -> bool:
        """`action` must already be lower case (A6)."""
        if action in self.exact:
            return True
        return any(glob.matches(action) for glob in self.globs)


def compile_actions(raw: object, element: str, statement: int) -> ActionPatterns:
    """Validate and compile `Action`/`NotAction`; each entry is `*` or `<service>:<action>`."""
    written = string_list(raw, element, statement)
    exact: set[str] = set()
    globs: list[Glob] = []
    for pattern in written:
        if pattern != "*" and _ACTION.fullmatch(pattern) is None:
            raise PolicyError(
                f"`{element}` {quote(pattern)} is not `*` or `<service>:<action>`", statement
            )
        glob = Glob(pattern.lower())
        if glob.is_literal:
            exact.add(glob.pattern)
        else:
            globs.append(glob)
    return ActionPatterns(written, frozenset(exact), tuple(globs))


@dataclass(frozen=True, slots=True)
class ResourcePatterns:
    """The `Resource` list: `*`, exact ARNs in a set, wildcard ARNs as per-segment globs."""

    written: tuple[str, ...]
    everything: bool
    exact: frozenset[str]
    globbed: tuple[tuple[Glob, Glob, Glob, Glob], ...]

    def matches(self, resource: str, segments: Segments | None) -> bool:
        """`segments` is `split_arn(resource)`, computed once per request by the caller."""
        if self.everything or resource in self.exact:
            return True
        if segments is None:
            return False
        service, region, account, relative = segments
        for g_service, g_region, g_account, g_relative in self.globbed:
            if (
                g_service.matches(service)
                and g_region.matches(region)
                and g_account.matches(account)
                and g_relative.matches(relative)
            ):
                return True
        return False


def compile_resources(raw: object, statement: int) -> ResourcePatterns:
    """Validate and compile `Resource`; an ARN must have all five colon-separated parts."""
    written = string_list(raw, "Resource", statement)
    exact: set[str] = set()
    globbed: list[tuple[Glob, Glob, Glob, Glob]] = []
    for pattern in written:
        if pattern == "*":
            continue
        segments = split_arn(pattern)
        if segments is None or not segments[0] or not segments[3]:
            raise PolicyError(f"`Resource` {quote(pattern)} is not {_ARN_SHAPE}", statement)
        globs = (Glob(segments[0]), Glob(segments[1]), Glob(segments[2]), Glob(segments[3]))
        if all(glob.is_literal for glob in globs):
            exact.add(pattern)
        else:
            globbed.append(globs)
    return ResourcePatterns(written, "*" in written, frozenset(exact), tuple(globbed))
