"""Record and replay with vcrpy: one cassette per scenario,
`features/cassettes/<feature>/<scenario>.yaml`, and the settings of the recording beside them in
`features/cassettes/settings.toml`, so a replay needs no settings and no credentials.

A cassette opens with a `recorded` block: when, against what, in which mode, with which SDK
versions, and the scenario's name prefix (a replay reuses it, so the names match). Requests are
matched on product, action and the parameters that carry meaning, never on nonces, dates,
signatures or ClientTokens (harness/scrub.py decides what is kept).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlparse

import pytest
import vcr  # type: ignore[import-untyped]
import yaml  # type: ignore[import-untyped]
from vcr.request import HeadersDict  # type: ignore[import-untyped]

from harness.config.settings import Settings, parse
from harness.errors import HarnessError
from harness.recording.scrub import SCRUBBED, Scrubber

SETTINGS_FILE = "settings.toml"
#: The settings a recording fixes: a replay must use the same, or its requests differ.
RECORDED_KEYS = (
    "region",
    "linux_instance",
    "windows_instance",
    "run_as_users",
    "refused_users",
    "windows_password_parameter",
    "command_user_policies",
    "prefix",
    "poll_interval",
    "ram_settle",
)
#: Parameters that change with every call and carry no meaning for the cloud's answer.
UNMATCHED = frozenset(
    {
        "ClientToken",
        "Signature",
        "SignatureNonce",
        "SignatureMethod",
        "SignatureVersion",
        "SignatureType",
        "Timestamp",
        "AccessKeyId",
        "SecurityToken",
        "Format",
    }
)
SDKS = (
    "alibabacloud-tea-openapi",
    "alibabacloud-ecs20140526",
    "alibabacloud-ram20150501",
    "alibabacloud-oos20190601",
    "alibabacloud-sts20150401",
    "alibabacloud-credentials",
    "vcrpy",
)


def cassette_path(cassettes: Path, feature: str, test_name: str) -> Path:
    """(`features/linux/allowlist.feature`, `test_x[ROOT]`) -> `linux/allowlist/x-+r+o+o+t.yaml`
    under `cassettes`: a capital letter is written `+` and the letter, so `root`, `Root` and
    `ROOT` stay three files on a file system that ignores case."""
    folder = Path(feature).with_suffix("")
    if folder.parts and folder.parts[0] == "features":
        folder = Path(*folder.parts[1:])
    name = test_name.removeprefix("test_")
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    name = re.sub(r"[A-Z]", lambda capital: "+" + capital.group().lower(), name)
    return cassettes / folder / f"{name}.yaml"


def sdk_versions() -> dict[str, str]:
    found = {}
    for name in SDKS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


# ---- settings beside the cassettes -----------------------------------------------------------


def write_settings(settings: Settings, mode: str, against: str) -> Path:
    """The settings of this recording, for replays; names and ids only, never a secret."""
    lines = [
        "# Written by `pytest --backend record`: what `--backend replay` runs with.",
        f"# recorded against: {against}",
        "",
    ]
    for key in RECORDED_KEYS:
        value = getattr(settings, key)
        if value is None:
            continue
        if isinstance(value, tuple):
            lines.append(f"{key} = [{', '.join(_toml_str(v) for v in value)}]")
        elif isinstance(value, float):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f"{key} = {_toml_str(str(value))}")
    lines += ["", "[recorded]", f"mode = {_toml_str(mode)}", f"against = {_toml_str(against)}"]
    if settings.endpoint:
        lines.append(f"endpoint = {_toml_str(settings.endpoint)}")
    path = settings.cassettes / SETTINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def replay_settings(settings: Settings) -> tuple[Settings, tuple[str, str]]:
    """The recording's settings over `settings`, and (mode, what it was recorded against)."""
    path = settings.cassettes / SETTINGS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise pytest.UsageError(
            f"no recording to replay: `{path}` is missing; record one with --backend record "
            "(see README, Record and replay)"
        ) from None
    except tomllib.TOMLDecodeError as e:
        raise pytest.UsageError(f"`{path}` is not TOML: {e}") from None
    recorded = data.pop("recorded", {})
    given = {
        key: ",".join(v) if isinstance(v, list) else str(v)
        for key, v in data.items()
        if key in RECORDED_KEYS
    }
    parsed = parse({"backend": "fake", "policies": str(settings.policies), **given})
    chosen = replace(
        settings,
        **{key: getattr(parsed, key) for key in RECORDED_KEYS},
        endpoint=recorded.get("endpoint") or None,
    )
    return chosen, (str(recorded.get("mode", "provision")), str(recorded.get("against", "?")))


# ---- one scenario's cassette -----------------------------------------------------------------


#: libyaml's loader and dumper when PyYAML was built with it (about 25 times faster than the
#: pure-Python ones, which a replay spent most of its time in), else the pure-Python ones. Both
#: pairs read the same data and write the same bytes: tests/live/test_committed_cassettes.py
#: re-dumps the committed cassettes with each. https://pyyaml.org/wiki/PyYAMLDocumentation
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Format:
    """vcrpy serializer: YAML with the `recorded` block first. `parsed` is a cassette already
    read (its text and data), handed to vcrpy instead of parsing the same text again."""

    def __init__(
        self, recorded: dict[str, Any], parsed: tuple[str, dict[str, Any]] | None = None
    ) -> None:
        self.recorded = recorded
        self.parsed = parsed

    def serialize(self, cassette: dict[str, Any]) -> str:
        text: str = yaml.dump(
            {"recorded": self.recorded, **cassette},
            Dumper=_DUMPER,
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
        return text

    def deserialize(self, text: str) -> dict[str, Any]:
        parsed, self.parsed = self.parsed, None  # handed over once: vcrpy may alter it
        if parsed is not None and parsed[0] == text:
            return parsed[1]
        return parse_cassette(text)


def parse_cassette(text: str) -> dict[str, Any]:
    """A cassette's YAML as data; anything but a mapping is refused."""
    data = yaml.load(text, Loader=_LOADER)
    if not isinstance(data, dict):
        raise ValueError("a cassette is a YAML mapping")
    return data


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    """A cassette's text and data, and its `recorded` block checked; a missing one names the fix."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise HarnessError(
            f"no cassette `{path}` to replay: record the scenario with --backend record"
        ) from None
    data = parse_cassette(text)
    block = data.get("recorded")
    if not isinstance(block, dict) or "prefix" not in block:
        raise HarnessError(f"cassette `{path}` has no `recorded` block: record it again")
    return text, data


@dataclass(frozen=True)
class Call:
    """What a request asks, as replay matches it: the method, the product version, the action
    and the meaningful parameters (sorted), and how a mismatch message shows it."""

    method: str
    version: str
    action: str
    meaningful: tuple[tuple[str, str], ...]

    @cached_property
    def shown(self) -> str:
        """`RunCommand [('InstanceId.1', 'i-1'), ...]`, as a mismatch message names it."""
        return f"{self.action} {list(self.meaningful)}"


def _call_of(request: Any) -> Call:
    """The call a request makes. vcrpy looks each request it plays up twice (vcr/cassette.py:
    __contains__, play_response), each time against the cassette's requests in turn, so the
    answer is kept per request content (method, URL, body and the two headers read), never per
    object: a request changed in place is read afresh (tests/recording/test_matching.py)."""
    headers = request.headers
    body = request.body
    return _call(
        request.method,
        request.uri,
        body if isinstance(body, bytes) else None,
        _header(headers, "x-acs-version"),
        _header(headers, "x-acs-action"),
    )


def _header(headers: Any, name: str) -> str | None:
    """The value of header `name` (lower case), whatever the case it was sent in: a vcrpy
    request's headers are a case-insensitive `HeadersDict` (vcr/request.py) already; any other
    mapping is lowered whole, the last of two spellings winning as in a dict."""
    if isinstance(headers, HeadersDict):
        found: str | None = headers.get(name)
        return found
    return {k.lower(): v for k, v in headers.items()}.get(name)


@lru_cache(maxsize=16384)
def _call(
    method: str, uri: str, body: bytes | None, version: str | None, action: str | None
) -> Call:
    query = parse_qsl(urlparse(uri).query, keep_blank_values=True)
    if body and b"{" not in body:
        query += parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    named = dict(query)
    meaningful = sorted(
        (k, v) for k, v in query if k not in UNMATCHED and k not in ("Action", "Version")
    )
    return Call(
        method,
        version or named.get("Version", ""),
        action or named.get("Action", ""),
        tuple(meaningful),
    )


def same_call(r1: Any, r2: Any) -> None:
    """vcrpy matcher: raises AssertionError saying how two requests differ."""
    first, second = _call_of(r1), _call_of(r2)
    if first is not second and first != second:
        raise AssertionError(f"{first.shown} is not {second.shown}")


@contextmanager
def scenario_cassette(
    path: Path, *, record: bool, recorded: dict[str, Any] | None = None
) -> Iterator[Scrubber]:
    """Record into `path` (afresh), or replay it with no network; yields the scrubber."""
    if record:
        path.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    with _cassette(path, _Format(recorded or {}), record=record) as scrubber:
        yield scrubber


@contextmanager
def replay_cassette(path: Path) -> Iterator[tuple[dict[str, Any], Scrubber]]:
    """Replay `path` with no network, its YAML parsed once; yields its `recorded` block (a
    missing or blockless cassette names the fix) and the scrubber."""
    text, data = _read(path)
    with _cassette(path, _Format({}, (text, data)), record=False) as scrubber:
        yield data["recorded"], scrubber


@contextmanager
def _cassette(path: Path, serializer: _Format, *, record: bool) -> Iterator[Scrubber]:
    scrubber = Scrubber()
    recorder = vcr.VCR(
        record_mode="all" if record else "none",
        match_on=["runas_call"],
        before_record_request=scrubber.request,
        before_record_response=scrubber.response,
        decode_compressed_response=True,
        serializer="runas",
    )
    recorder.register_matcher("runas_call", same_call)
    recorder.register_serializer("runas", serializer)
    with recorder.use_cassette(str(path)):
        yield scrubber


def recorded(
    settings: Settings, *, mode: str, against: str, prefix: str, scenario: str
) -> dict[str, Any]:
    """The `recorded` block of a new cassette."""
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "against": against,
        "endpoint": settings.endpoint or "Alibaba Cloud's endpoints",
        "mode": mode,
        "region": settings.region,
        "prefix": prefix,
        "scenario": scenario,
        "sdk": sdk_versions(),
        "secrets": f"scrubbed: replaced by {SCRUBBED}, or dropped with the signing headers",
    }
