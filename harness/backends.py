"""Where the SDK calls go. Each backend gives the same things to the steps: an administrator
principal, the instances under test, and a way to wait between polls."""

from __future__ import annotations

import json
import os
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from fakes import FakeCloud
from harness.clients import AccessKey, Endpoint, Principal
from harness.errors import HarnessError
from harness.names import Names
from harness.retry import RetryPolicy
from harness.settings import Settings

if TYPE_CHECKING:
    from harness.accounts import Provisioner
    from harness.world import World


def _new_password() -> str:
    """A fresh logon password for a fake Windows user: it exists only for one scenario."""
    return "Pw-" + secrets.token_urlsafe(12)


#: The control plane of a fake cloud server is local: no proxy stands between.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Backend(Protocol):
    name: str
    #: Where the SDK clients send their calls; None: the SDK's own Alibaba endpoints.
    endpoint: Endpoint | None
    #: Verify mode: the Given steps check the account's setup instead of creating it.
    verifies: bool
    #: The names things get in the cloud (prefixed in a real account).
    names: Names
    #: Where a line of progress goes while an invocation runs; None: nowhere.
    progress: Callable[[str], None] | None

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def bind(self, world: World) -> None:
        """The scenario the backend serves from now on (its evidence, its assumptions)."""
        ...

    @property
    def administrator(self) -> Principal: ...

    @property
    def observer(self) -> Principal:
        """Who checks what ran on an instance."""
        ...

    def provisioner(self, world: World) -> Provisioner:
        """What the Given steps create things with (or check them with, in verify mode)."""
        ...

    def retry(self) -> RetryPolicy: ...

    def linux_instance(self, users: Sequence[str]) -> str:
        """An instance with these regular users, ready for Cloud Assistant; its id."""
        ...

    def windows_instance(self, users: Sequence[str], passwords: dict[str, str]) -> str:
        """A Windows instance with these users; their logon passwords go into `passwords`."""
        ...

    def sleep(self, seconds: float) -> None: ...


class _FreshAccount:
    """What both fake backends share: a fresh account per scenario, which the administrator
    provisions under the spec's own names; no real waiting, no progress to show."""

    verifies = False
    names = Names()
    progress: Callable[[str], None] | None = None

    @property
    def administrator(self) -> Principal:
        raise NotImplementedError

    def bind(self, world: World) -> None:
        """Nothing to learn from the scenario: the fake has no assumptions to report."""

    @property
    def observer(self) -> Principal:
        return self.administrator

    def provisioner(self, world: World) -> Provisioner:
        return world.ram_provisioner()

    def sleep(self, seconds: float) -> None:
        """No real waiting: the fake's clock moves with every call the poller makes."""

    def retry(self) -> RetryPolicy:
        return RetryPolicy(sleep=self.sleep)


class FakeBackend(_FreshAccount):
    """The in-process fake cloud (`fakes`), one fresh account per scenario. Time is virtual."""

    name = "fake"
    endpoint: Endpoint | None = None  # Alibaba's own hosts, answered in-process

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

    def windows_instance(self, users: Sequence[str], passwords: dict[str, str]) -> str:
        chosen = {user: _new_password() for user in users}
        passwords.update(chosen)
        return self._cloud.add_instance(os="windows", region=self._settings.region, users=chosen)


class FakeServerBackend(_FreshAccount):
    """The fake cloud served by another process (`python -m fakes serve`), over HTTP.

    Its account is reset before every scenario, so each starts as fresh as in-process: a server
    therefore hosts one run at a time (no two runs, nor xdist workers, sharing it).
    """

    name = "fake"

    def __init__(self, settings: Settings, url: str) -> None:
        if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
            raise HarnessError(
                f"the fake cloud server at `{url}` hosts one run at a time, and parallel workers "
                "would reset each other's account: drop -n, or run without --fake-endpoint"
            )
        self._settings = settings
        self._url = url
        self.endpoint: Endpoint | None = Endpoint.from_url(url)
        self._administrator: Principal | None = None

    def start(self) -> None:
        self._control("POST", "reset")
        account = self._control("GET", "account")
        key = AccessKey(str(account["RootAccessKeyId"]), str(account["RootAccessKeySecret"]))
        self._administrator = Principal("the administrator", key)

    def stop(self) -> None:
        """Nothing to release: the account stays on the server until the next reset."""

    @property
    def administrator(self) -> Principal:
        if self._administrator is None:
            raise HarnessError("the fake cloud server backend was used before it was started")
        return self._administrator

    def linux_instance(self, users: Sequence[str]) -> str:
        spec = {"os": "linux", "region": self._settings.region, "users": list(users)}
        return str(self._control("POST", "instances", spec)["InstanceId"])

    def windows_instance(self, users: Sequence[str], passwords: dict[str, str]) -> str:
        chosen = {user: _new_password() for user in users}
        passwords.update(chosen)
        spec = {"os": "windows", "region": self._settings.region, "users": chosen}
        return str(self._control("POST", "instances", spec)["InstanceId"])

    def _control(self, method: str, name: str, payload: object = None) -> dict[str, Any]:
        """One call to the server's control plane (not an Alibaba API: the SDK cannot make it)."""
        what = f"{method} /_fake/{name}"
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(
            f"{self._url}/_fake/{name}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with _DIRECT.open(request, timeout=10) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as refused:
            with refused:
                detail = refused.read().decode("utf-8", "replace")[:300]
            raise HarnessError(
                f"the fake cloud server at `{self._url}` refused {what}: HTTP {refused.code}: "
                f"{detail}"
            ) from None
        except OSError as e:
            reason = getattr(e, "reason", e)
            raise HarnessError(
                f"the fake cloud server at `{self._url}` does not answer {what} ({reason}): start "
                "one with `python -m fakes serve` and give the URL it prints to --fake-endpoint"
            ) from None
        except ValueError:
            raise HarnessError(
                f"`{self._url}` answered {what} with something other than JSON: is it a fake "
                "cloud server (`python -m fakes serve`)?"
            ) from None
        if not isinstance(answer, dict):
            raise HarnessError(f"`{self._url}` answered {what} with `{answer}`, not an object")
        return answer


def open_backend(settings: Settings) -> Backend:
    """The fake backend of the settings (live ones are opened by harness/live.py)."""
    if settings.backend == "fake" and settings.fake_endpoint:
        return FakeServerBackend(settings, settings.fake_endpoint)
    if settings.backend == "fake":
        return FakeBackend(settings)
    raise AssertionError(f"backend `{settings.backend}` is not a fake: open it with harness.live")
