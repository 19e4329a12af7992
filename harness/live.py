"""The live backend: the spec against a real account (or `--endpoint`, a stand-in for one).

Provision mode (administrator credentials given) creates what the spec names under a prefix
unique to the scenario and removes it after. Verify mode (commandUser's credentials only) checks
the account's setup as it is (harness/verify.py). The instances are the account's own, named in
the settings; the harness never creates or changes an instance, except to attach and detach
the instance RAM role a Windows scenario names in provision mode.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from alibabacloud_oos20190601 import models as oos

from harness import credentials
from harness.api import Refusal
from harness.clients import Endpoint, Principal, oos_client
from harness.errors import HarnessError
from harness.names import Names
from harness.retry import RetryPolicy
from harness.settings import Settings
from harness.verify import UNKNOWN_PASSWORD, SetupVerifier

if TYPE_CHECKING:
    from harness.accounts import Provisioner
    from harness.world import World

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
        self.progress = progress
        self.endpoint = Endpoint.from_url(settings.endpoint) if settings.endpoint else None
        self.verifies = principals.administrator is None
        parameter = settings.windows_password_parameter if self.verifies else None
        self.names = Names(prefix, parameter)
        self._world: World | None = None

    def start(self) -> None:
        """Nothing to start: the account is there."""

    def stop(self) -> None:
        """Nothing to stop: what the scenario created is removed through the ledger."""

    def bind(self, world: World) -> None:
        self._world = world

    @property
    def world(self) -> World:
        if self._world is None:
            raise HarnessError("the live backend was used before a scenario was bound to it")
        return self._world

    @property
    def administrator(self) -> Principal:
        if self._principals.administrator is None:
            pytest.skip(
                "verify mode: the scenario needs the administrator, whose credentials are not "
                f"given (provision mode: set {credentials.ADMIN_KEY_ID} and "
                f"{credentials.ADMIN_KEY_SECRET}, or --admin-profile)"
            )
        return self._principals.administrator

    @property
    def observer(self) -> Principal:
        chosen = self._principals.administrator or self._principals.command_user
        assert chosen is not None, "Identities always hold one principal"
        return chosen

    def provisioner(self, world: World) -> Provisioner:
        if self.verifies:
            assert self._principals.command_user is not None
            return SetupVerifier(world, self._principals.command_user)
        return world.ram_provisioner()

    def retry(self) -> RetryPolicy:
        settings = self._settings
        return RetryPolicy(self.sleep, settings.poll_interval, settle=settings.ram_settle)

    def sleep(self, seconds: float) -> None:
        self._sleep(seconds)

    def linux_instance(self, users: Sequence[str]) -> str:
        return self._instance("Linux", self._settings.linux_instance, users)

    def windows_instance(self, users: Sequence[str], passwords: dict[str, str]) -> str:
        instance_id = self._instance("Windows", self._settings.windows_instance, users)
        if self.verifies:
            passwords.update(dict.fromkeys(users, UNKNOWN_PASSWORD))
        elif users:
            passwords[users[0]] = self._password(users[0])
        return instance_id

    def _instance(self, label: str, instance_id: str | None, users: Sequence[str]) -> str:
        """The account's instance, checked where the observer may look; its users declared."""
        settings = self._settings
        if instance_id is None:
            raise HarnessError(f"no {label} instance is given: set {_FLAGS[label]}")
        undeclared = [u for u in users if u not in settings.run_as_users]
        if undeclared:
            pytest.skip(
                f"the scenario needs the regular users {', '.join(users)} on the {label} "
                f"instance; the account declares {', '.join(settings.run_as_users)} "
                "(--run-as-users)"
            )
        world = self.world
        try:
            found = world.runner_for(self.observer).os_of(instance_id)
        except Refusal as refusal:
            if not self.verifies:
                raise
            world.assume(
                f"the {label} instance `{instance_id}` exists in {settings.region}: commandUser "
                f"may not describe it ({refusal.code})"
            )
            return instance_id
        if found is None:
            raise HarnessError(
                f"the {label} instance `{instance_id}` ({_FLAGS[label]}) is not in region "
                f"{settings.region}: check the id and --region"
            )
        if found != label.lower():
            raise HarnessError(
                f"the instance `{instance_id}` ({_FLAGS[label]}) runs {found}, not {label}"
            )
        return instance_id

    def _password(self, user: str) -> str:
        """Provision mode copies the Windows user's logon password from the account's own
        encrypted parameter into the ones it creates; the value never leaves the SDK calls."""
        settings = self._settings
        admin = self.administrator
        name, region = settings.windows_password_parameter, settings.region
        client = oos_client(admin, region, self.endpoint)
        request = oos.GetSecretParameterRequest(region_id=region, name=name, with_decryption=True)
        try:
            answer = self.world.gateway.call(
                admin.name,
                "GetSecretParameter",
                {"Name": name, "RegionId": region, "WithDecryption": "true"},
                lambda: client.get_secret_parameter(request),
            )
        except Refusal as refusal:
            raise HarnessError(
                f"provision mode copies the logon password of `{user}` from the encrypted "
                f"parameter `{name}` in {region}, but reading it was refused ({refusal.code}): "
                "create it as the guide says, or name yours with --windows-password-parameter"
            ) from None
        return str(answer.body.parameter.value or "")
