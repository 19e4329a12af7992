"""Which instances a fleet check covers: those DescribeInstances lists for the tags, the resource
group or the ids given (paged with NextToken/MaxResults), kept only where
DescribeCloudAssistantStatus says the agent runs, sent a heartbeat recently and is recent enough.

One unfit instance can fail a whole RunCommand call (RunCommand's SDK docstring: "If you specify
multiple instances and one of the instances does not meet the execution conditions, you must
reselect the instances"), so the unfit ones are left out, each with the reason, before any run.
The status page size is 50 and an id list at most 100 (DescribeCloudAssistantStatus reference,
https://help.aliyun.com/en/ecs/api-describecloudassistantstatus).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from alibabacloud_ecs20140526 import models as ecs

from harness.errors import HarnessError

#: DescribeInstances pages up to 100; DescribeCloudAssistantStatus answers up to 100 ids at once.
INSTANCE_PAGE = 100
STATUS_BATCH = 100
#: Agents older than this may not take `Username` (the run-as user), so they are left out.
#: Cloud Assistant's release notes name no exact first version; 2.0 is assumed the floor.
MINIMUM_AGENT = (2, 0)


@dataclass(frozen=True)
class Selector:
    """What to verify: instances with every one of these tags, in this resource group, or
    exactly these ids (they combine: every condition given must hold)."""

    tags: tuple[tuple[str, str], ...] = ()
    resource_group: str | None = None
    instance_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not (self.tags or self.resource_group or self.instance_ids):
            raise HarnessError(
                "no instances to verify: give --instances-tag KEY=VALUE, --resource-group ID "
                "or --instances ID,ID"
            )
        if len(self.tags) > 20:
            raise HarnessError(f"{len(self.tags)} tags given: DescribeInstances takes at most 20")

    def describe(self) -> str:
        parts = [f"tagged {k}={v}" for k, v in self.tags]
        if self.resource_group:
            parts.append(f"in resource group {self.resource_group}")
        if self.instance_ids:
            parts.append(f"among {len(self.instance_ids)} named instance(s)")
        return "instances " + " and ".join(parts)

    def as_json(self) -> dict[str, Any]:
        return {
            "tags": {k: v for k, v in self.tags},
            "resource_group": self.resource_group,
            "instance_ids": list(self.instance_ids),
        }


def parse_tag(text: str) -> tuple[str, str]:
    """`env=prod` -> ("env", "prod"); anything else is one line saying how to write it."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise HarnessError(f"tag `{text}` is not KEY=VALUE: write it like --instances-tag env=prod")
    return key.strip(), value.strip()


@dataclass(frozen=True)
class Member:
    """An instance the fleet check covers (or left out, with `unfit` saying why)."""

    instance_id: str
    name: str = ""
    os: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)
    unfit: str = ""


#: One SDK call as the caller makes it: `call(method, request)`, through its gateway and pacing.
Caller = Callable[[Callable[..., Any], Any], Any]


def list_instances(call: Caller, client: Any, region: str, selector: Selector) -> list[Member]:
    """Every instance DescribeInstances gives for the selector, every page of it."""
    tags = [ecs.DescribeInstancesRequestTag(key=k, value=v) for k, v in selector.tags]
    wanted = list(selector.instance_ids)
    # InstanceIds takes at most 100 ids: name them a hundred at a time.
    batches: list[list[str] | None] = (
        [wanted[i : i + INSTANCE_PAGE] for i in range(0, len(wanted), INSTANCE_PAGE)]
        if wanted
        else [None]
    )
    found: dict[str, Member] = {}
    for batch in batches:
        token: str | None = None
        while True:
            request = ecs.DescribeInstancesRequest(
                region_id=region,
                tag=tags or None,
                resource_group_id=selector.resource_group,
                instance_ids=json.dumps(batch) if batch else None,
                max_results=INSTANCE_PAGE,
                next_token=token,
            )
            body = call(client.describe_instances, request).body
            for row in (body.instances.instance if body.instances else None) or []:
                found[str(row.instance_id)] = Member(
                    instance_id=str(row.instance_id),
                    name=str(row.instance_name or ""),
                    os=str(row.ostype or "").lower(),
                    tags=_tags_of(row),
                )
            token = body.next_token or None
            if token is None:
                break
    return list(found.values())


def _tags_of(row: Any) -> dict[str, str]:
    tags = row.tags.tag if row.tags is not None else None
    return {str(t.tag_key): str(t.tag_value or "") for t in tags or []}


def agent_version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split("."))
    except ValueError:
        return ()


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def fitness(
    call: Caller,
    client: Any,
    region: str,
    members: Sequence[Member],
    *,
    heartbeat_within: float,
    now: Callable[[], datetime] | None = lambda: datetime.now(UTC),
) -> list[Member]:
    """The members, each marked `unfit` with the reason when its agent should not be sent a run:
    not running, silent for longer than `heartbeat_within` seconds, too old, or a Windows
    instance (the fleet check is a Linux shell script). Ages are measured from the newest
    heartbeat seen or this machine's clock (`now`), whichever is later, so a cloud clock ahead
    of ours makes no healthy agent look stale; with `now` None (a replay, whose answers are
    as old as the recording) from the newest heartbeat alone."""
    statuses: dict[str, Any] = {}
    for batch in _chunks([m.instance_id for m in members], STATUS_BATCH):
        request = ecs.DescribeCloudAssistantStatusRequest(region_id=region, instance_id=batch)
        body = call(client.describe_cloud_assistant_status, request).body
        found = body.instance_cloud_assistant_status_set
        for row in (found.instance_cloud_assistant_status if found else None) or []:
            statuses[str(row.instance_id)] = row
    beats = {i: _parse_time(str(s.last_heartbeat_time or "")) for i, s in statuses.items()}
    seen = [b for b in beats.values() if b is not None]
    reference = max([*([now()] if now is not None else []), *seen], default=datetime.now(UTC))
    judged = []
    for member in members:
        iid = member.instance_id
        why = _unfit(member, statuses.get(iid), beats.get(iid), reference, heartbeat_within)
        judged.append(member if why == member.unfit else replace(member, unfit=why))
    return judged


def _unfit(
    member: Member, status: Any, beat_at: datetime | None, reference: datetime, within: float
) -> str:
    if member.os == "windows":
        return "a Windows instance: the fleet check runs a Linux shell (use the Windows scenarios)"
    if status is None:
        return "DescribeCloudAssistantStatus does not know it: is Cloud Assistant installed?"
    if str(status.cloud_assistant_status).lower() != "true":
        beat = status.last_heartbeat_time or "never"
        return f"the Cloud Assistant agent is not running (last heartbeat {beat})"
    if beat_at is None:
        return "the Cloud Assistant agent has sent no heartbeat"
    age = (reference - beat_at).total_seconds()
    if age > within:
        return (
            f"the Cloud Assistant agent's last heartbeat is {age:.0f} s old "
            f"({status.last_heartbeat_time}; the limit is {within:.0f} s)"
        )
    version = str(status.cloud_assistant_version or "")
    if agent_version(version)[:2] < MINIMUM_AGENT:
        floor = ".".join(map(str, MINIMUM_AGENT))
        return f"the Cloud Assistant agent {version or '(no version)'} is older than {floor}"
    return ""


def _chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
