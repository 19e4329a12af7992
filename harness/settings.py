"""Settings of a run: pytest options, each with an environment-variable twin.

Precedence: command line, then environment, then default. `pytest --help` lists them under
"run-as harness".
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

#: Backends the design names; only those in AVAILABLE work in this version.
BACKENDS = ("fake", "live", "record", "replay")
AVAILABLE = ("fake",)


@dataclass(frozen=True)
class Option:
    flag: str
    env: str
    default: str
    help: str
    metavar: str

    @property
    def dest(self) -> str:
        return "runas_" + self.flag.removeprefix("--").replace("-", "_")


OPTIONS = (
    Option(
        "--backend",
        "RUNAS_BACKEND",
        "fake",
        "where the SDK calls go: fake (default, in-process fake cloud), live, record or replay",
        "NAME",
    ),
    Option(
        "--region",
        "RUNAS_REGION",
        "cn-hangzhou",
        "region of the instances under test (default cn-hangzhou)",
        "REGION",
    ),
    Option(
        "--policies",
        "RUNAS_POLICIES",
        str(Path(__file__).resolve().parent.parent / "features" / "policies"),
        "folder of the policy documents the spec attaches by name (default features/policies)",
        "DIR",
    ),
    Option(
        "--fake-endpoint",
        "RUNAS_FAKE_ENDPOINT",
        "",
        "URL of a running fake cloud server (`python -m fakes serve`) for the fake backend to "
        "use instead of its in-process fake, e.g. http://127.0.0.1:8080; it resets the server's "
        "account before every scenario",
        "URL",
    ),
)


@dataclass(frozen=True)
class Settings:
    backend: str
    region: str
    policies: Path
    fake_endpoint: str | None = None  # `http://host:port` of a fake cloud server, if one is used


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("runas", "run-as harness")
    for option in OPTIONS:
        group.addoption(
            option.flag,
            dest=option.dest,
            metavar=option.metavar,
            default=None,
            help=f"{option.help} [env {option.env}]",
        )


def from_config(config: pytest.Config) -> Settings:
    """Read and check the settings; a bad value is a `pytest.UsageError` naming the fix."""
    values: dict[str, str] = {}
    for option in OPTIONS:
        given = config.getoption(option.dest)
        if given is None:
            given = os.environ.get(option.env) or option.default
        values[option.dest] = str(given).strip()
    backend = values["runas_backend"].lower()
    if backend not in BACKENDS:
        raise pytest.UsageError(
            f"unknown backend `{backend}`: choose one of {', '.join(BACKENDS)} "
            "(--backend or RUNAS_BACKEND)"
        )
    if backend not in AVAILABLE:
        raise pytest.UsageError(
            f"backend `{backend}` is not available yet: this version runs the spec against the "
            "fake cloud only; use --backend fake (see README, Backends)"
        )
    policies = Path(values["runas_policies"]).expanduser()
    if not policies.is_dir():
        raise pytest.UsageError(
            f"policy folder `{policies}` does not exist: give one with --policies or RUNAS_POLICIES"
        )
    return Settings(
        backend=backend,
        region=values["runas_region"],
        policies=policies,
        fake_endpoint=_fake_endpoint(values["runas_fake_endpoint"], backend),
    )


def _fake_endpoint(given: str, backend: str) -> str | None:
    """`http://host:port` with no path, or None when no server is named."""
    if not given:
        return None
    if backend != "fake":
        raise pytest.UsageError(
            f"--fake-endpoint names a fake cloud server, but the backend is `{backend}`: "
            "drop it, or use --backend fake"
        )
    url = urlsplit(given if "://" in given else f"http://{given}")
    try:
        port = url.port
    except ValueError:
        port = None
    if url.scheme not in ("http", "https") or not url.hostname or port is None:
        raise pytest.UsageError(
            f"fake endpoint `{given}` is not a server address: give one like "
            "http://127.0.0.1:8080, as `python -m fakes serve` prints it (--fake-endpoint or "
            "RUNAS_FAKE_ENDPOINT)"
        )
    return f"{url.scheme}://{url.netloc}"
