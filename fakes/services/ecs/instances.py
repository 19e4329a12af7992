"""Instances: how a test creates one (`add_instance`, `on_command`), and DescribeInstances and
DescribeCloudAssistantStatus, which carry no `ecs:CommandRunAs` (A8, A11)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from fakes.clock import iso
from fakes.errors import invalid_parameter
from fakes.guest import CommandHandler, Guest
from fakes.guest.privilege import GuestPrivilege
from fakes.services.base import Call, Response, action
from fakes.services.ecs import errors
from fakes.services.ecs.base import MAX_INSTANCES, EcsBase, json_instance_ids, paginate
from fakes.services.ecs.state import Container, Instance

OS_NAMES = ("linux", "windows")
#: DescribeInstances takes up to 20 tags (`Tag.N.Key`, N from 1 to 20; SDK
#: _describe_instances_request.py, DescribeInstancesRequestTag).
MAX_TAGS = 20
T = TypeVar("T")


def _check_containers(os: str, users: Mapping[str, object], containers: Mapping[str, str]) -> None:
    """Containers run on Linux only ([SDK] _run_command_request.py, ContainerName); the fake
    runs a container's commands on the instance's guest, so its default user must be root or
    one of the instance's users."""
    if containers and os != "linux":
        raise ValueError("containers run on Linux instances only: drop `containers`")
    for name, user in containers.items():
        if not name:
            raise ValueError('a container needs a name: `containers={"app": "root"}`')
        if user != "root" and user not in users:
            raise ValueError(
                f"the container `{name}` runs as `{user}`, which the instance lacks: "
                "choose root or one of its `users`"
            )


def _container_id(instance_id: str, name: str) -> str:
    """A container's id, 64 hex digits like a Docker id, the same for the same instance and
    name (so a recorded run replays)."""
    return hashlib.sha256(f"{instance_id}/{name}".encode()).hexdigest()


class InstanceActions(EcsBase):
    """Instances and their guests."""

    def add_instance(
        self,
        os: str,
        region: str,
        users: Iterable[str] | Mapping[str, str],
        *,
        now: datetime,
        hostname: str | None = None,
        name: str | None = None,
        resource_group_id: str = "",
        privilege: GuestPrivilege | None = None,
        tags: Mapping[str, str] | None = None,
        containers: Mapping[str, str] | None = None,
    ) -> str:
        """A running instance with Cloud Assistant and the given OS users; its id.

        `users` is a list of names (Linux) or a mapping of name -> logon password (Windows);
        `privilege` who else is root (sudoers, groups, Administrators, uid-0 aliases);
        `containers` the containers it runs, name -> default user (Linux only)."""
        if os not in OS_NAMES:
            raise ValueError(f"unknown os `{os}`: choose `linux` or `windows`")
        passwords: dict[str, str | None] = (
            dict(users.items()) if isinstance(users, Mapping) else dict.fromkeys(users)
        )
        _check_containers(os, passwords, containers or {})
        instance_id = self._ids.instance()
        instance = Instance(
            instance_id=instance_id,
            region=region,
            name=name or f"{os}-{instance_id[-6:]}",
            created=now,
            resource_group_id=resource_group_id,
            tags=dict(tags or {}),
            containers=tuple(
                Container(_container_id(instance_id, name), name, user)
                for name, user in (containers or {}).items()
            ),
            guest=Guest(
                os,
                hostname or ("iZ" + instance_id[2:14] + "Z"),
                passwords,
                **(privilege or GuestPrivilege()).as_kwargs(),
            ),
        )
        self.instances[instance_id] = instance
        return instance_id

    def on_command(self, name: str, handler: CommandHandler) -> None:
        """Teach every guest a command: `handler(Execution) -> ExecResult`."""
        self.handlers[name] = handler

    @action("DescribeInstances")
    def describe_instances(self, call: Call) -> Response:
        call.authorize(self.arn(call.region, "instance", "*"))  # A11
        wanted = json_instance_ids(call, required=False)
        chosen = _matching(
            self.instances.values(),
            call.region,
            None if wanted is None else set(wanted),
            call.params.text("ResourceGroupId"),
            _tag_filter(call),
        )
        page, paging = _page(call, chosen, default=10, high=100, clamp=True)
        return {
            "Instances": {"Instance": [_instance_view(i) for i in page]},
            "TotalCount": len(chosen),
            **paging,
        }

    @action("DescribeCloudAssistantStatus")
    def describe_cloud_assistant_status(self, call: Call) -> Response:
        """The agent of each instance: `CloudAssistantStatus` is `"true"` while it runs, and
        `LastHeartbeatTime` when it last reported (now, unless it stopped or went silent).
        With `InstanceId.N` (up to 100) every instance named is answered, unpaged; otherwise
        the region's instances are paged (at most 50 a page) and `OSType` filters them."""
        ids = call.params.items_of("InstanceId")
        if len(ids) > MAX_INSTANCES:
            raise errors.too_many_instances()
        os_type = call.params.text("OSType")
        if ids:
            instances = self._instances(call, ids)
            for instance in instances:
                call.authorize(self.arn(call.region, "instance", instance.instance_id))
            page, paging = instances, {"PageNumber": 1, "PageSize": len(instances)}
        else:
            call.authorize(self.arn(call.region, "instance", "*"))
            instances = [i for i in self.instances.values() if i.region == call.region]
            if os_type is not None:
                instances = [i for i in instances if i.os == os_type.lower()]
            page, paging = _page(call, instances, default=10, high=50, clamp=False)
        self.settle(call.now)
        counts = self._task_counts(page, call.now)
        statuses = []
        for instance in page:
            runs, active, last = counts.get(instance.instance_id, (0, 0, instance.created))
            agent = instance.agent
            statuses.append(
                {
                    "InstanceId": instance.instance_id,
                    "CloudAssistantStatus": "true" if agent.online else "false",
                    "CloudAssistantVersion": agent.version,
                    "OSType": "Linux" if instance.os == "linux" else "Windows",
                    "InvocationCount": runs,
                    "ActiveTaskCount": active,
                    "LastHeartbeatTime": iso(agent.last_heartbeat(call.now)),
                    "LastInvokedTime": iso(last),
                    "SupportSessionManager": agent.online,
                }
            )
        return {
            "InstanceCloudAssistantStatusSet": {"InstanceCloudAssistantStatus": statuses},
            "TotalCount": len(instances),
            **paging,
        }

    def _task_counts(
        self, page: Sequence[Instance], now: datetime
    ) -> dict[str, tuple[int, int, datetime]]:
        """Per instance of the page that has run anything: its runs, the active ones, and the
        last start; read from the instance's own index, not from every invocation kept."""
        counts: dict[str, tuple[int, int, datetime]] = {}
        for instance in page:
            runs, active, last = 0, 0, instance.created
            for target in self.records.targets_on(instance.region, instance.instance_id):
                runs += 1
                active += target.status(now) in ("Pending", "Running")
                last = max(last, target.start_at)
            if runs:
                counts[instance.instance_id] = (runs, active, last)
        return counts


def _matching(
    instances: Iterable[Instance],
    region: str,
    named: set[str] | None,
    group: str | None,
    tags: Sequence[tuple[str, str | None]],
) -> list[Instance]:
    """The region's instances, in the order they were made, that meet every condition asked:
    named in `InstanceIds`, in the resource group, tagged with each pair (two values of one
    key: none is) and with each key asked without a value. Every page counts the whole match
    (`TotalCount`), so each condition is one tight pass over what the ones before it kept."""
    chosen = [i for i in instances if i.region == region]
    if named is not None:
        chosen = [i for i in chosen if i.instance_id in named]
    if group is not None:
        chosen = [i for i in chosen if i.resource_group_id == group]
    for key, value in tags:
        if value is None:
            chosen = [i for i in chosen if key in i.tags]
        else:
            chosen = [i for i in chosen if i.tags.get(key) == value]
    return chosen


def _instance_view(i: Instance) -> dict[str, Any]:
    view: dict[str, Any] = {
        "InstanceId": i.instance_id,
        "InstanceName": i.name,
        "HostName": i.guest.hostname,
        "OSType": i.os,
        "OSName": "Alibaba Cloud Linux 3" if i.os == "linux" else "Windows Server 2022",
        "Status": "Running",
        "RegionId": i.region,
        "ZoneId": f"{i.region}-h",
        "ResourceGroupId": i.resource_group_id,
        "CreationTime": i.created.strftime("%Y-%m-%dT%H:%MZ"),
    }
    if i.tags:
        view["Tags"] = {"Tag": [{"TagKey": k, "TagValue": v} for k, v in i.tags.items()]}
    return view


def _tag_filter(call: Call) -> list[tuple[str, str | None]]:
    """`Tag.N.Key` with its optional `Tag.N.Value` (no value: any value of that key), N from 1
    to 20 in order; a value without its key, or a 21st tag, is refused."""
    found: list[tuple[str, str | None]] = []
    for n in range(1, MAX_TAGS + 2):
        key = call.params.text(f"Tag.{n}.Key")
        value = call.params.text(f"Tag.{n}.Value")
        if key is None:
            if value is not None:
                raise invalid_parameter(f"Tag.{n}.Key", "", "A tag value needs its key.")
            continue
        if n > MAX_TAGS:
            raise invalid_parameter(f"Tag.{n}.Key", key, f"At most {MAX_TAGS} tags are allowed.")
        found.append((key, value))
    return found


def _page(
    call: Call, items: Sequence[T], *, default: int, high: int, clamp: bool
) -> tuple[list[T], dict[str, Any]]:
    """One page of `items`, as the caller asked for it: by `NextToken`/`MaxResults` when either
    is given (the SDK's recommended way), else by `PageNumber`/`PageSize`. Returns the page and
    the paging fields of the answer. With `clamp` (DescribeInstances) a `MaxResults` below 10
    or above 100 is taken as 10 or 100, as its reference says; without it (DescribeCloudAssistant
    Status, at most 50) an out-of-range value is refused. A86: the token is the fake's own, an
    offset; a token the fake did not make is refused with `InvalidParameter`."""
    token = call.params.text("NextToken")
    if token is None and call.params.text("MaxResults") is None:
        page, number, size = paginate(call, items, default=default, high=high)
        return page, {"PageNumber": number, "PageSize": size}
    if clamp:
        asked = call.params.number("MaxResults", default, low=-(2**31), high=2**31 - 1)
        size = min(max(asked, 10), high)
    else:
        size = call.params.number("MaxResults", default, low=1, high=high)
    start = _offset(token) if token is not None else 0
    page = list(items[start : start + size])
    following = start + size
    return page, {"NextToken": f"{following:08x}" if following < len(items) else ""}


def _offset(token: str) -> int:
    try:
        offset = int(token, 16)
    except ValueError:
        offset = -1
    if len(token) != 8 or offset < 0:
        raise invalid_parameter("NextToken", token, "Use the NextToken of the previous answer.")
    return offset
