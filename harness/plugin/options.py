"""The run's settings: pytest options with environment twins and a TOML file, checked once at
start (a bad value, a missing policy folder or a malformed policy document is one line)."""

from __future__ import annotations

import pytest

from fakes.assumptions import ASSUMPTIONS
from harness.config import credentials
from harness.config import settings as settings_module
from harness.config.settings import Settings
from harness.errors import HarnessError
from harness.plugin import keys
from harness.recording import cassettes as recording
from harness.recording.scrub import keep_secrets_out_of_logs


def pytest_addoption(parser: pytest.Parser) -> None:
    settings_module.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    keep_secrets_out_of_logs()
    chosen = settings_module.from_config(config)
    if chosen.backend == "replay":
        chosen, config.stash[keys.REPLAY] = recording.replay_settings(chosen)
    try:
        chosen.library.check()
    except HarnessError as e:
        raise pytest.UsageError(str(e)) from None
    config.stash[keys.SETTINGS] = chosen
    config.addinivalue_line(
        "markers", "runas_scenario: a scenario of the spec (set by its binding module)"
    )
    for assumption in ASSUMPTIONS.values():
        config.addinivalue_line(
            "markers", f"assumption_{assumption.id}: rests on {assumption.statement}"
        )


def pytest_report_header(config: pytest.Config) -> list[str]:
    chosen = config.stash[keys.SETTINGS]
    header = f"run-as harness: backend {chosen.backend}, region {chosen.region}"
    if chosen.backend in ("live", "record"):
        mode = "provision" if credentials.administrator(chosen) else "verify"
        header += (
            f", {mode} mode, endpoint {chosen.endpoint or 'Alibaba Cloud'}; proving commandUser "
            f"runs as {', '.join(chosen.run_as_users)} and is refused "
            f"{', '.join(chosen.refused_users)}"
        )
    if chosen.backend == "replay":
        mode, against = config.stash[keys.REPLAY]
        header += f", {mode} mode, cassettes recorded against {against}"
    lines = [header]
    if chosen.policies is not None:
        replaced = chosen.library.overridden()
        lines.append(
            f"run-as harness: policy documents from {chosen.policies} over the spec's"
            + (
                f"; replacing {', '.join(replaced)}"
                if replaced
                else "; none of the spec's replaced"
            )
        )
    return lines


@pytest.fixture(scope="session")
def runas_settings(request: pytest.FixtureRequest) -> Settings:
    return request.config.stash[keys.SETTINGS]
