"""Credentials for the two principals of a live run, through the standard Alibaba Cloud chain
(`alibabacloud-credentials`); the secrets stay inside its client and never reach a message.

- commandUser, the identity under test: the named profile (`--command-user-profile`, looked up
  in `~/.alibabacloud/credentials.ini`, then in the CLI's `~/.aliyun/config.json`), else the
  default chain: `ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, the profile
  named by `ALIBABA_CLOUD_PROFILE`, the CLI's current profile, an ECS instance role.
- the administrator, optional (provision mode): `RUNAS_ADMIN_ACCESS_KEY_ID` and
  `RUNAS_ADMIN_ACCESS_KEY_SECRET` (and `RUNAS_ADMIN_SECURITY_TOKEN` for STS), else the profile
  named by `--admin-profile`. Neither: verify mode.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from alibabacloud_credentials.client import Client as CredentialsClient
from alibabacloud_credentials.models import Config as CredentialsConfig
from alibabacloud_credentials.provider import (
    CLIProfileCredentialsProvider,
    DefaultCredentialsProvider,
    ProfileCredentialsProvider,
)

from harness.config.settings import Settings
from harness.errors import HarnessError
from harness.sdk.clients import Principal

ADMIN_KEY_ID = "RUNAS_ADMIN_ACCESS_KEY_ID"
ADMIN_KEY_SECRET = "RUNAS_ADMIN_ACCESS_KEY_SECRET"
ADMIN_TOKEN = "RUNAS_ADMIN_SECURITY_TOKEN"
#: The logger `alibabacloud_credentials` writes to, through a stderr handler of its own.
LIBRARY_LOGGER = "credentials"


@contextmanager
def _library_logs_held() -> Iterator[None]:
    """While the chain is asked: the library logs every provider that fails (with its traceback,
    on a handler of its own) and then raises. The failure reaches the caller as an exception
    and is said in one line there, so its log lines are held back; its level comes back after."""
    logger = logging.getLogger(LIBRARY_LOGGER)
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


class _FirstProfile:
    """A profile by name: credentials.ini first, then the CLI's config.json (same chain order
    as the SDK's default provider, reversed because a named INI section is the common case)."""

    def __init__(self, name: str) -> None:
        self._providers = (
            ProfileCredentialsProvider(profile_name=name),
            CLIProfileCredentialsProvider(profile_name=name),
        )
        self._chosen: Any = None

    def get_credentials(self) -> Any:
        if self._chosen is not None:
            return self._chosen.get_credentials()
        failures = []
        for provider in self._providers:
            try:
                found = provider.get_credentials()
            except Exception as e:  # the next provider may know the profile
                failures.append(e)
                continue
            self._chosen = provider
            return found
        raise failures[-1]

    async def get_credentials_async(self) -> Any:
        return self.get_credentials()

    def get_provider_name(self) -> str:
        return "profile"


class _Missing:
    """A provider for a half-given key: it never yields credentials."""

    def get_credentials(self) -> Any:
        raise LookupError("half an AccessKey")

    async def get_credentials_async(self) -> Any:
        return self.get_credentials()

    def get_provider_name(self) -> str:
        return "missing"


@dataclass(frozen=True)
class CredentialSource:
    """Where one principal's credentials come from, said without any secret."""

    principal: str  # "commandUser" or "the administrator"
    described: str  # e.g. "profile `prod-admin`", "the default credentials chain"
    how_to_give: str  # the fix, when none are found
    client: CredentialsClient = field(repr=False)

    def resolve(self) -> str | None:
        """None when the chain yields credentials, else why not (one line, no secret)."""
        try:
            with _library_logs_held():
                found = self.client.get_credential()
        except Exception as e:
            return f"{self.principal}: no credentials from {self.described} ({type(e).__name__})"
        if not found.access_key_id or not found.access_key_secret:
            return f"{self.principal}: {self.described} gave an empty AccessKey"
        return None

    def as_principal(self, name: str) -> Principal:
        return Principal(name, credential=self.client)


def command_user(settings: Settings) -> CredentialSource:
    how = (
        "set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET to commandUser's "
        "AccessKey, or name its profile with --command-user-profile or "
        "RUNAS_COMMAND_USER_PROFILE"
    )
    if settings.command_user_profile:
        name = settings.command_user_profile
        client = CredentialsClient(provider=_FirstProfile(name))
        return CredentialSource("commandUser", f"profile `{name}`", how, client)
    client = CredentialsClient(provider=DefaultCredentialsProvider())
    return CredentialSource("commandUser", "the default credentials chain", how, client)


def administrator(settings: Settings) -> CredentialSource | None:
    """The administrator's credentials, or None: verify mode."""
    how = (
        f"set {ADMIN_KEY_ID} and {ADMIN_KEY_SECRET}, or name a profile with --admin-profile or "
        "RUNAS_ADMIN_PROFILE"
    )
    key_id = os.environ.get(ADMIN_KEY_ID, "")
    secret = os.environ.get(ADMIN_KEY_SECRET, "")
    if bool(key_id) != bool(secret):
        client = CredentialsClient(provider=_Missing())
        return CredentialSource(
            "the administrator",
            f"{ADMIN_KEY_ID} and {ADMIN_KEY_SECRET} (only one is set)",
            how,
            client,
        )
    if key_id:
        token = os.environ.get(ADMIN_TOKEN, "")
        config = CredentialsConfig(
            type="sts" if token else "access_key",
            access_key_id=key_id,
            access_key_secret=secret,
            security_token=token or None,
        )
        return CredentialSource(
            "the administrator",
            f"{ADMIN_KEY_ID} and {ADMIN_KEY_SECRET}",
            how,
            CredentialsClient(config),
        )
    if settings.admin_profile:
        name = settings.admin_profile
        client = CredentialsClient(provider=_FirstProfile(name))
        return CredentialSource("the administrator", f"profile `{name}`", how, client)
    return None


def reader(settings: Settings, how_to_give: str | None = None) -> Principal:
    """Who a command that only reads or removes signs as: the administrator when given, else
    commandUser through the standard chain; a `HarnessError` (one line, ending with
    `how_to_give` or the chain's own fix) when neither is found."""
    source = administrator(settings) or command_user(settings)
    problem = source.resolve()
    if problem:
        raise HarnessError(f"{problem}: {how_to_give or source.how_to_give}")
    return source.as_principal(source.principal)
