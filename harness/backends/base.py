"""What every backend hands a scenario, as data: who may call, where the calls go, what things
are named, how to wait, and the instances under test. A backend never reaches back into the
scenario; the world (harness/world.py) builds runners and provisioners from this data."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from harness.config.names import Names
from harness.sdk.clients import Endpoint, Principal
from harness.sdk.retry import RetryPolicy


def no_sleep(seconds: float) -> None:
    """No real waiting: the fake's clock moves with every call, a replay answers at once."""


@dataclass(frozen=True)
class Account:
    """A started backend, as a scenario sees it."""

    backend: str  # fake, live, record or replay
    #: Where the SDK clients send their calls; None: the SDK's own Alibaba endpoints.
    endpoint: Endpoint | None
    #: The names things get in the cloud (prefixed in a real account).
    names: Names
    #: Who provisions; None: verify mode, the account's setup is checked, not made.
    administrator: Principal | None
    #: Verify mode: the identity under test, whose credentials were given.
    command_user: Principal | None = None
    retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(sleep=no_sleep))
    sleep: Callable[[float], None] = no_sleep
    #: Where a line of progress goes while an invocation runs; None: nowhere.
    progress: Callable[[str], None] | None = None
    first_delay: float = 0.5
    #: The account is a fake's (in-process, a fake server, a replay of one, or a stand-in the
    #: run names with --endpoint): the spec may bind its whole resource directory with control
    #: policies and change who is root on its instances. Each backend answers for its own.
    disposable: bool = False

    @property
    def verifies(self) -> bool:
        return self.administrator is None

    @property
    def observer(self) -> Principal:
        """Who checks what ran on an instance: the administrator, else commandUser."""
        chosen = self.administrator or self.command_user
        if chosen is None:
            raise AssertionError("an account has an administrator or a command user")
        return chosen


@dataclass(frozen=True)
class InstanceOffer:
    """An instance a backend offers a scenario."""

    label: str  # "Linux" or "Windows", as the spec names it
    instance_id: str
    #: Logon passwords the backend chose for Windows users it created (the fake's); never shown.
    passwords: Mapping[str, str] = field(default_factory=dict, repr=False)
    #: The account's own instance: the harness checks it is there and runs the right OS.
    existing: bool = False


class Backend(Protocol):
    name: str

    def start(self) -> Account: ...

    def stop(self) -> None: ...

    def instance(
        self, label: str, users: Sequence[str], containers: Mapping[str, str] | None = None
    ) -> InstanceOffer:
        """An instance (`Linux` or `Windows`) with these regular users, ready for Cloud
        Assistant, running these containers (name -> default user)."""
        ...
