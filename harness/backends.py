"""Where the SDK calls go. Each backend gives the same things to the steps: an administrator
principal, the instances under test, and a way to wait between polls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from fakes import FakeCloud
from harness.clients import AccessKey, Principal
from harness.settings import Settings


class Backend(Protocol):
    name: str

    def start(self) -> None: ...

    def stop(self) -> None: ...

    @property
    def administrator(self) -> Principal: ...

    def linux_instance(self, users: Sequence[str]) -> str:
        """An instance with these regular users, ready for Cloud Assistant; its id."""
        ...

    def sleep(self, seconds: float) -> None: ...


class FakeBackend:
    """The in-process fake cloud (`fakes`), one fresh account per scenario. Time is virtual."""

    name = "fake"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._cloud = FakeCloud(region=settings.region)

    def start(self) -> None:
        self._cloud.start()

    def stop(self) -> None:
        self._cloud.stop()

    @property
    def administrator(self) -> Principal:
        key_id, secret = self._cloud.root_access_key
        return Principal("the administrator", AccessKey(key_id, secret))

    def linux_instance(self, users: Sequence[str]) -> str:
        return self._cloud.add_instance(os="linux", region=self._settings.region, users=users)

    def sleep(self, seconds: float) -> None:
        """No real waiting: the fake's clock moves with every call the poller makes."""


def open_backend(settings: Settings) -> Backend:
    if settings.backend == "fake":
        return FakeBackend(settings)
    raise AssertionError(f"backend `{settings.backend}` passed settings but has no class")
