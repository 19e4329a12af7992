"""The live backend: the spec against a real account (or `--endpoint`, a stand-in for one).

Provision mode (administrator credentials given) creates what the spec names under a prefix
unique to the scenario and removes it after. Verify mode (commandUser's credentials only) checks
the account's setup as it is (harness/verify.py). The instances are the account's own, named in
the settings; the harness never creates or changes an instance, except to attach and detach
the instance RAM role a Windows scenario names in provision mode.

The backend only says which account, which keys and which instances: checking the instances and
the setup is the provisioning layer's (harness/provisioning/).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pytest

from harness.backends.base import Account, InstanceOffer
from harness.config import credentials
from harness.config.names import Names
from harness.config.settings import Settings
from harness.errors import HarnessError
from harness.sdk.clients import Endpoint, Principal
from harness.sdk.retry import RetryPolicy

_FLAGS = {"Linux": "--linux-instance", "Windows": "--windows-instance"}


@dataclass(frozen=True)
class Identities:
    """The principals of a live run; no administrator means verify mode."""

    command_user: Principal | None
    administrator: Principal | None

    @property
    def mode(self) -> str:
        return "provision" if self.administrator is not None else "verify"


def missing_settings(settings: Settings, oses: set[str]) -> list[str]:
    """Every setting a live run over scenarios on `oses` lacks, each with how to give it.
    Credentials are looked up through their chains here, before any API call."""
    missing = []
    for label, key in (("Linux", "linux_instance"), ("Windows", "windows_instance")):
        if label in oses and getattr(settings, key) is None:
            missing.append(
                f"the {label} instance id ({settings.how_to_give(key)}; or leave out the "
                f"{label} scenarios with -m 'not {label.lower()}')"
            )
    admin = credentials.administrator(settings)
    if admin is not None:
        problem = admin.resolve()
        if problem:
            missing.append(f"{problem} ({admin.how_to_give})")
        return missing
    user = credentials.command_user(settings)
    problem = user.resolve()
    if problem:
        missing.append(
            f"{problem}: {user.how_to_give} (verify mode); or give the administrator's for "
            f"provision mode: set {credentials.ADMIN_KEY_ID} and {credentials.ADMIN_KEY_SECRET}, "
            "or --admin-profile"
        )
    if not settings.command_user_policies:
        missing.append(
            "verify mode: commandUser's policies as the spec names them, e.g. "
            f"commandUserPolicy.allowlist,AliyunECSReadOnlyAccess "
            f"({settings.how_to_give('command_user_policies')})"
        )
    return missing


def identities(settings: Settings) -> Identities:
    """The run's principals from the credentials chains (checked by `missing_settings`)."""
    admin = credentials.administrator(settings)
    if admin is not None:
        return Identities(None, admin.as_principal("the administrator"))
    return Identities(credentials.command_user(settings).as_principal("commandUser"), None)


class LiveBackend:
    """A real account, one scenario at a time; waits for real, shows progress."""

    def __init__(
        self,
        settings: Settings,
        principals: Identities,
        *,
        prefix: str,
        name: str = "live",
        sleep: Callable[[float], None] = time.sleep,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.name = name
        self._settings = settings
        self._principals = principals
        self._sleep = sleep
        self._progress = progress
        self._prefix = prefix

    def start(self) -> Account:
        """Nothing to start: the account is there. What a scenario makes, the ledger removes."""
        settings, principals = self._settings, self._principals
        verifies = principals.administrator is None
        parameter = settings.windows_password_parameter if verifies else None
        return Account(
            backend=self.name,
            endpoint=Endpoint.from_url(settings.endpoint) if settings.endpoint else None,
            names=Names(self._prefix, parameter),
            administrator=principals.administrator,
            command_user=principals.command_user,
            retry=RetryPolicy(self._sleep, settings.poll_interval, settle=settings.ram_settle),
            sleep=self._sleep,
            progress=self._progress,
            first_delay=settings.poll_interval,
            # A replay, a stand-in named with --endpoint, or a recording made against a fake.
            disposable=self.name == "replay"
            or bool(settings.endpoint or settings.recorded_against),
        )

    def stop(self) -> None:
        """Nothing to stop: what the scenario created is removed through the ledger."""

    def instance(
        self, label: str, users: Sequence[str], containers: Mapping[str, str] | None = None
    ) -> InstanceOffer:
        """The account's own instance, named in the settings; its users must be declared. The
        containers a scenario names must already run there (a run into one it lacks fails on
        the instance, which the scenario then reports)."""
        settings = self._settings
        instance_id = getattr(settings, f"{label.lower()}_instance")
        if instance_id is None:
            raise HarnessError(f"no {label} instance is given: set {_FLAGS[label]}")
        undeclared = [u for u in users if u not in settings.run_as_users]
        if undeclared:
            pytest.skip(
                f"the scenario needs the regular users {', '.join(users)} on the {label} "
                f"instance; the account declares {', '.join(settings.run_as_users)} "
                "(--run-as-users)"
            )
        return InstanceOffer(label, instance_id, existing=True)
