"""The control plane of the standalone server: what a test needs that no Alibaba API offers.

`GET /_fake/account`, `POST /_fake/instances`, `POST /_fake/reset` (DESIGN.md),
`POST /_fake/fleet` (many alike instances at once), `POST /_fake/agent` (an instance's agent
running, stopped or silent),
`POST /_fake/faults` (arm an injected error, `FakeCloud.inject`) and `GET /_fake/state`, a JSON
dump for debugging that never holds a secret. Sans-I/O like `FakeCloud.handle`: bytes in, an
`HttpResponse` out; errors are JSON `{"Error": ...}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from fakes.cloud import FakeCloud
from fakes.guest.privilege import FIELDS as PRIVILEGE_FIELDS
from fakes.guest.privilege import GuestPrivilege
from fakes.wire.http import HttpResponse

PREFIX = "/_fake/"
#: A list longer than this is encoded this many items at a time (see `encode`).
_ONE_GO = 256
_JSON = {"Content-Type": "application/json;charset=utf-8"}
_INSTANCE_FIELDS = (
    "os",
    "region",
    "users",
    "resource_group_id",
    "tags",
    "containers",
    *PRIVILEGE_FIELDS,
)
_FAULT_FIELDS: Mapping[str, type | tuple[type, ...]] = {
    "action": str,
    "code": str,
    "status": int,
    "times": int,
    "product": str,
    "message": str,
    "retry_after_ms": int,
}


class ControlError(Exception):
    """A control-plane request the server cannot act on: HTTP status and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def encode(data: Mapping[str, Any]) -> bytes:
    """A control-plane answer as JSON, the same text as `json.dumps(data)`. It runs once the
    account's lock is released: a large `/_fake/state` is taken under the lock (cheaply) and
    serialised here, outside it, a long list a few hundred items at a time, so that the
    interpreter can switch to other requests' threads in between (one `json.dumps` of 20 MB
    would hold it for half a second)."""
    fields = []
    for key, value in data.items():
        if isinstance(value, list) and len(value) > _ONE_GO:
            chunks = (
                json.dumps(value[n : n + _ONE_GO])[1:-1] for n in range(0, len(value), _ONE_GO)
            )
            text = "[" + ", ".join(chunks) + "]"
        else:
            text = json.dumps(value)
        fields.append(f"{json.dumps(key)}: {text}")
    return ("{" + ", ".join(fields) + "}").encode("utf-8")


def _reply(status: int, data: Mapping[str, Any]) -> HttpResponse:
    return HttpResponse(status, encode(data), _JSON)


def _json_object(body: bytes, *, send: str, expected: str) -> dict[str, Any]:
    """The body as a JSON object, or the reason it is not one (`send`: what to send instead)."""
    try:
        spec = json.loads(body or b"{}")
    except RecursionError:  # the decoder recurses per level: a deep body must not crash it
        raise ControlError(400, f"the body is nested too deeply: send {send}") from None
    except ValueError:
        raise ControlError(400, f"the body is not JSON: send {send}") from None
    if not isinstance(spec, dict):
        raise ControlError(400, f"the body must be a JSON object with {expected}")
    return spec


def account(cloud: FakeCloud, body: bytes) -> dict[str, Any]:
    key_id, secret = cloud.root_access_key
    return {"AccountId": cloud.account_id, "RootAccessKeyId": key_id, "RootAccessKeySecret": secret}


def add_instance(cloud: FakeCloud, body: bytes) -> dict[str, Any]:
    spec = _json_object(body, send="{`os`, `region`, `users`}", expected="`os`, `region`, `users`")
    unknown = sorted(set(spec) - set(_INSTANCE_FIELDS))
    if unknown:
        known = ", ".join(f"`{f}`" for f in _INSTANCE_FIELDS)
        raise ControlError(400, f"unknown field `{unknown[0]}`: expected {known}")
    os_name, region, users = spec.get("os", "linux"), spec.get("region"), spec.get("users", [])
    group = spec.get("resource_group_id")
    if not (group is None or isinstance(group, str)):
        raise ControlError(400, "`resource_group_id` must be a string")
    tags = spec.get("tags", {})
    if not isinstance(tags, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in tags.items()
    ):
        raise ControlError(400, "`tags` must be an object of tag key to tag value")
    containers = spec.get("containers", {})
    if not isinstance(containers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in containers.items()
    ):
        raise ControlError(400, "`containers` must be an object of container name to default user")
    if not isinstance(os_name, str) or not (region is None or isinstance(region, str)):
        raise ControlError(400, "`os` and `region` must be strings")
    names_ok = isinstance(users, list) and all(isinstance(u, str) for u in users)
    passwords_ok = isinstance(users, dict) and all(isinstance(p, str) for p in users.values())
    if not (names_ok or passwords_ok):
        raise ControlError(
            400, "`users` must be a list of names, or an object of name to logon password"
        )
    try:
        privilege = GuestPrivilege.from_json(os_name, spec)
        instance_id = cloud.add_instance(
            os=os_name,
            region=region,
            users=users,
            resource_group_id=group,
            tags=tags,
            containers=containers,
            **privilege.as_kwargs(),
        )
    except ValueError as e:
        raise ControlError(400, str(e)) from None
    return {"InstanceId": instance_id}


def _fields(spec: Mapping[str, Any], known: Mapping[str, type | tuple[type, ...]]) -> None:
    """Every field of `spec` is known and of its type, or a one-line reason."""
    for name, value in spec.items():
        kind = known.get(name)
        if kind is None:
            names = ", ".join(f"`{k}`" for k in known)
            raise ControlError(400, f"unknown field `{name}`: expected {names}")
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ControlError(400, f"`{name}` must be {_KINDS.get(kind, 'a list or an object')}")


_KINDS: Mapping[type | tuple[type, ...], str] = {int: "a number", str: "text", dict: "an object"}


_FLEET_FIELDS: Mapping[str, type | tuple[type, ...]] = {
    "count": int,
    "os": str,
    "region": str,
    "users": (list, dict),
    "tags": dict,
    "resource_group_id": str,
}


def add_fleet(cloud: FakeCloud, body: bytes) -> dict[str, Any]:
    """Many alike instances at once: `{"count", "os", "users", "tags"[, "region",
    "resource_group_id"]}` -> `{"InstanceIds"}` (`FakeCloud.add_fleet`)."""
    spec = _json_object(body, send="{`count`, `users`, `tags`}", expected="`count`")
    _fields(spec, _FLEET_FIELDS)
    tags = spec.get("tags", {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in tags.items()):
        raise ControlError(400, "`tags` must be an object of tag key to tag value")
    try:
        ids = cloud.add_fleet(**spec)
    except ValueError as e:
        raise ControlError(400, str(e)) from None
    return {"InstanceIds": ids}


_AGENT_FIELDS: Mapping[str, type | tuple[type, ...]] = {
    "instance_id": str,
    "state": str,
    "seconds_ago": int,
    "version": str,
}


def set_agent(cloud: FakeCloud, body: bytes) -> dict[str, Any]:
    """The Cloud Assistant agent of one instance: `{"instance_id", "state"[, "seconds_ago",
    "version"]}` with state running, stopped or silent (`FakeCloud.set_agent`)."""
    spec = _json_object(body, send="{`instance_id`, `state`}", expected="`instance_id`")
    _fields(spec, _AGENT_FIELDS)
    if "instance_id" not in spec:
        raise ControlError(400, "`instance_id` is required: the instance whose agent to set")
    try:
        cloud.set_agent(spec.pop("instance_id"), **spec)
    except ValueError as e:
        raise ControlError(400, str(e)) from None
    return {}


def add_fault(cloud: FakeCloud, body: bytes) -> dict[str, Any]:
    """Arm a fault: `{"action", "code", "status", "times"[, "product", "message",
    "retry_after_ms"]}`; the next `times` matching requests get that error."""
    spec = _json_object(
        body,
        send="{`action`, `code`, `status`, `times`}",
        expected="`action`, `code`, `status`",
    )
    _fields(spec, _FAULT_FIELDS)
    try:
        fault = cloud.inject(**spec)
    except ValueError as e:
        raise ControlError(400, str(e)) from None
    return {"Fault": fault.view()}


def reset(cloud: FakeCloud, body: bytes) -> dict[str, Any]:
    cloud.reset()
    return {"AccountId": cloud.account_id}


def state(cloud: FakeCloud, body: bytes) -> dict[str, Any]:
    """Everything the account holds (`FakeCloud.snapshot`), for a person debugging a client.
    AccessKey secrets, passwords, secret values and tokens are never part of it."""
    return cloud.snapshot()


Action = Callable[[FakeCloud, bytes], dict[str, Any]]
ROUTES: Mapping[str, tuple[str, Action]] = {
    "account": ("GET", account),
    "instances": ("POST", add_instance),
    "fleet": ("POST", add_fleet),
    "agent": ("POST", set_agent),
    "faults": ("POST", add_fault),
    "reset": ("POST", reset),
    "state": ("GET", state),
}


def answer(cloud: FakeCloud, method: str, path: str, body: bytes) -> HttpResponse:
    """One control-plane request: `path` starts with `/_fake/`."""
    name = path[len(PREFIX) :].strip("/")
    route = ROUTES.get(name)
    try:
        if route is None:
            known = ", ".join(f"{m} {PREFIX}{n}" for n, (m, _) in ROUTES.items())
            raise ControlError(404, f"unknown control path `{path}`: the server offers {known}")
        expected, act = route
        if method.upper() != expected:
            raise ControlError(405, f"`{path}` takes {expected}, not {method.upper()}")
        return _reply(200, act(cloud, body))
    except ControlError as e:
        return _reply(e.status, {"Error": str(e)})
