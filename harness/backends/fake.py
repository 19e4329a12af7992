"""The fake backends: a fresh account of the fake cloud (`fakes`) per scenario, in-process or on
a server (`python -m fakes serve`). The administrator is the account owner; nothing really waits.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fakes import FakeCloud
from harness.backends.base import Account, InstanceOffer
from harness.config.names import Names
from harness.config.settings import Settings
from harness.errors import HarnessError
from harness.sdk.clients import AccessKey, Endpoint, Principal

#: The control plane of a fake cloud server is local: no proxy stands between.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
ADMINISTRATOR = "the administrator"


def _offer(
    label: str,
    region: str,
    users: Sequence[str],
    containers: Mapping[str, str] | None,
    add: Callable[[dict[str, Any]], str],
) -> InstanceOffer:
    """A new instance made by `add(spec)`, running `containers` (name -> default user); a
    Windows user gets a fresh logon password, which exists only for this scenario."""
    passwords = (
        {user: "Pw-" + secrets.token_urlsafe(12) for user in users} if label == "Windows" else {}
    )
    spec: dict[str, Any] = {
        "os": label.lower(),
        "region": region,
        "users": passwords or list(users),
    }
    if containers:
        spec["containers"] = dict(containers)
    return InstanceOffer(label, add(spec), passwords)


class FakeBackend:
    """The in-process fake cloud, one fresh account per scenario. Time is virtual."""

    name = "fake"

    def __init__(self, settings: Settings) -> None:
        self._region = settings.region
        self._cloud = FakeCloud(region=settings.region)

    def start(self) -> Account:
        self._cloud.start()
        key_id, secret = self._cloud.root_access_key
        admin = Principal(ADMINISTRATOR, AccessKey(key_id, secret))
        return Account("fake", None, Names(), admin, disposable=True)

    def stop(self) -> None:
        self._cloud.stop()

    def instance(
        self, label: str, users: Sequence[str], containers: Mapping[str, str] | None = None
    ) -> InstanceOffer:
        return _offer(
            label, self._region, users, containers, lambda spec: self._cloud.add_instance(**spec)
        )

    def fleet(self, count: int, tags: Mapping[str, str], users: Sequence[str]) -> list[str]:
        """A generated fleet of `count` Linux instances with these tags and users (the fake's
        own; a real account's fleet is selected, never made)."""
        return self._cloud.add_fleet(count, "linux", self._region, list(users), tags=tags)


class FakeServerBackend:
    """The fake cloud served by another process, over HTTP.

    Its account is reset before every scenario, so each starts as fresh as in-process: a server
    therefore hosts one run at a time (no two runs, nor xdist workers, sharing it)."""

    name = "fake"

    def __init__(self, settings: Settings, url: str) -> None:
        self._region = settings.region
        self._url = url

    def start(self) -> Account:
        control(self._url, "POST", "reset")
        account = control(self._url, "GET", "account")
        key = AccessKey(str(account["RootAccessKeyId"]), str(account["RootAccessKeySecret"]))
        endpoint = Endpoint.from_url(self._url)
        return Account("fake", endpoint, Names(), Principal(ADMINISTRATOR, key), disposable=True)

    def stop(self) -> None:
        """Nothing to release: the account stays on the server until the next reset."""

    def fleet(self, count: int, tags: Mapping[str, str], users: Sequence[str]) -> list[str]:
        """The same on the server, in one control-plane request (`POST /_fake/fleet`)."""
        spec = {"count": count, "region": self._region, "users": list(users), "tags": dict(tags)}
        return [str(i) for i in control(self._url, "POST", "fleet", spec)["InstanceIds"]]

    def instance(
        self, label: str, users: Sequence[str], containers: Mapping[str, str] | None = None
    ) -> InstanceOffer:
        url = self._url
        return _offer(
            label,
            self._region,
            users,
            containers,
            lambda spec: str(control(url, "POST", "instances", spec)["InstanceId"]),
        )


def control(url: str, method: str, name: str, payload: object = None) -> dict[str, Any]:
    """One call to a fake cloud server's control plane (not an Alibaba API: no SDK makes it)."""
    what = f"{method} /_fake/{name}"
    data = None if payload is None else json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(
        f"{url}/_fake/{name}",
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
            f"the fake cloud server at `{url}` refused {what}: HTTP {refused.code}: {detail}"
        ) from None
    except OSError as e:
        reason = getattr(e, "reason", e)
        raise HarnessError(
            f"the fake cloud server at `{url}` does not answer {what} ({reason}): start one "
            "with `python -m fakes serve` and give the URL it prints to --fake-endpoint"
        ) from None
    except ValueError:
        raise HarnessError(
            f"`{url}` answered {what} with something other than JSON: is it a fake cloud "
            "server (`python -m fakes serve`)?"
        ) from None
    if not isinstance(answer, dict):
        raise HarnessError(f"`{url}` answered {what} with `{answer}`, not an object")
    return answer


def open_fake(settings: Settings) -> FakeBackend | FakeServerBackend:
    """The fake backend of the settings: in-process, or the server `--fake-endpoint` names."""
    if settings.fake_endpoint:
        return FakeServerBackend(settings, settings.fake_endpoint)
    return FakeBackend(settings)
