"""Make `fakes` importable when the project is not installed, and share the guide's policies."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

_REPO = str(Path(__file__).resolve().parents[2])
if _REPO not in sys.path:  # pyproject sets no `pythonpath`; the repository root holds `fakes`
    sys.path.insert(0, _REPO)

# Keep hypothesis's caches out of the working tree, as `-p no:cacheprovider` does for pytest's.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "policy-tests-hypothesis")
)

from fakes.policy import CompiledPolicy, compile_policy  # noqa: E402

from ._support import READ_ONLY_DOCUMENT, guide_policy  # noqa: E402


@pytest.fixture(scope="session")
def allow_list() -> CompiledPolicy:
    return guide_policy("allowlist")


@pytest.fixture(scope="session")
def deny_list() -> CompiledPolicy:
    return guide_policy("denylist")


@pytest.fixture(scope="session")
def read_only() -> CompiledPolicy:
    return compile_policy(READ_ONLY_DOCUMENT)
