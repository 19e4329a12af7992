"""What the plugin's parts keep on pytest's config and items (`pytest.StashKey`s)."""

from __future__ import annotations

import pytest

from harness.backends.run import LiveRun
from harness.config.settings import Settings
from harness.world import World

SETTINGS = pytest.StashKey[Settings]()
REPLAY = pytest.StashKey[tuple[str, str]]()  # recorded mode, recorded against
LIVE = pytest.StashKey[LiveRun]()
WORLD = pytest.StashKey[World]()
FEATURE = pytest.StashKey[str]()
ACTED = pytest.StashKey[bool]()


def is_scenario(item: pytest.Item) -> bool:
    """Whether this test is a scenario of the spec: its binding module marks it so
    (`pytestmark = pytest.mark.runas_scenario` beside `scenarios(...)`)."""
    return item.get_closest_marker("runas_scenario") is not None


def is_xdist_worker(config: pytest.Config) -> bool:
    """Whether this process is a worker of `pytest -n` (not a pytest it started)."""
    return hasattr(config, "workerinput")
