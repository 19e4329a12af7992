"""pytest plugin of `fakes`: the `fake_cloud` fixture, a started `FakeCloud` per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fakes.cloud import FakeCloud


@pytest.fixture
def fake_cloud() -> Iterator[FakeCloud]:
    """A fresh fake account intercepting `*.aliyuncs.com` for the duration of one test."""
    with FakeCloud() as cloud:
        yield cloud
