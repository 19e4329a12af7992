"""The base of the ECS service: it owns ECS's state and the lifecycle every resource shares.

The resource modules (instances, commands, invocations, instance roles) each add their actions
to this base; what more than one of them needs (lookups, starting and settling invocations, the
request helpers below) lives here, so none depends on another's methods.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple, Protocol, TypeVar

from fakes.errors import ApiError, invalid_parameter
from fakes.guest import CommandHandler
from fakes.ids import IdFactory
from fakes.services.base import Call, Response, Service
from fakes.services.ecs import errors
from fakes.services.ecs.deliveries import FileDelivery, TerminalSession
from fakes.services.ecs.records import MAX_RECORDS, InvalidToken, InvocationRecords
from fakes.services.ecs.requests import resource_tags
from fakes.services.ecs.schedules import next_run
from fakes.services.ecs.state import (
    RUN_TIME,
    START_DELAY,
    Command,
    Instance,
    Invocation,
    KeyPair,
    Target,
)
from fakes.services.ram.state import Role

MAX_INSTANCES = 100
T = TypeVar("T")


class RoleDirectory(Protocol):
    """The RAM roles ECS may hand to an instance."""

    def role(self, name: str) -> Role | None: ...


class Agent(Protocol):
    """The Cloud Assistant agent's calls out of the instance, made with the instance role."""

    def password(self, instance: Instance, parameter: str, now: datetime) -> str | None:
        """The decrypted OOS parameter, or None when the role may not read it or it is absent."""
        ...


class PageRequest(NamedTuple):
    """Which page a read asks for: by `PageNumber`/`PageSize`, or by `NextToken`/`MaxResults`
    (which, when either is sent, win over the other two: DescribeInvocations API reference)."""

    start: int
    size: int
    number: int
    token: str | None
    by_token: bool

    def fields(self, total: int, next_token: str) -> dict[str, Any]:
        """The paging fields of the answer. With a token the fake still counts (A102)."""
        if self.by_token:
            return {"TotalCount": total, "PageSize": self.size, "NextToken": next_token}
        return {
            "TotalCount": total,
            "PageNumber": self.number,
            "PageSize": self.size,
            "NextToken": next_token,
        }


def page_request(call: Call, sent: Mapping[str, str], *, default: int, high: int) -> PageRequest:
    """The page asked for; `sent` holds the values sent of (at least) `MaxResults`,
    `NextToken`, `PageNumber` and `PageSize` (`requests.sent_values`): a name not in it was not
    sent, or sent empty, and takes its default."""
    if "MaxResults" in sent or "NextToken" in sent:  # paged by token
        size = call.params.number("MaxResults", default, low=1, high=high)
        return PageRequest(0, size, 1, sent.get("NextToken"), True)
    number = call.params.number("PageNumber", 1, low=1, high=10**6) if "PageNumber" in sent else 1
    size = (
        call.params.number("PageSize", default, low=1, high=high) if "PageSize" in sent else default
    )
    return PageRequest((number - 1) * size, size, number, None, False)


def bad_token(token: InvalidToken) -> ApiError:
    """A NextToken the fake never gave (A102)."""
    return invalid_parameter("NextToken", str(token)[:64], "It is not a token this API gave.")


def paginate(
    call: Call, items: Sequence[T], *, default: int, high: int
) -> tuple[list[T], int, int]:
    """`PageNumber`/`PageSize` applied to `items`: the page, its number and its size."""
    number = call.params.number("PageNumber", 1, low=1, high=10**6)
    size = call.params.number("PageSize", default, low=1, high=high)
    start = (number - 1) * size
    return list(items[start : start + size]), number, size


def json_instance_ids(call: Call, *, required: bool) -> list[str] | None:
    """`InstanceIds`, which some ECS calls take as a JSON array string (`["i-1"]`), not `.N`.

    None when absent and not required; a required list must not be empty."""
    raw = call.params.text("InstanceIds")
    if raw is None:
        if required:
            raise errors.instance_ids_malformed("is empty")
        return None
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        parsed = None
    if (
        not isinstance(parsed, list)
        or not all(isinstance(i, str) for i in parsed)
        or (required and not parsed)
    ):
        raise errors.instance_ids_malformed("is not a JSON array of instance ids")
    if len(parsed) > MAX_INSTANCES:
        raise errors.too_many_instances()
    return list(dict.fromkeys(parsed))


def run_as_named(username: str | None, instance: Instance) -> str:
    """The run-as user for one instance: the `Username` sent, else the OS default (A1). It is
    also what `ecs:CommandRunAs` carries for a run in a container (A41), where it does not
    take effect."""
    return username or instance.guest.default_user


def container_of(call: Call) -> str:
    return call.params.text("ContainerId") or call.params.text("ContainerName") or ""


def container_user(call: Call, instance: Instance) -> str | None:
    """Who runs a run sent into a container on this instance: the container's default user
    (A41), or None when the instance runs no container by that id or name (A110)."""
    found = instance.container(
        container_id=call.params.text("ContainerId"), name=call.params.text("ContainerName")
    )
    return None if found is None else found.user


class EcsBase(Service):
    """ECS's state (instances, commands, invocations, guest commands) and what acts on all of it."""

    product = "ecs"

    def __init__(
        self,
        account_id: str,
        ids: IdFactory,
        agent: Agent,
        roles: RoleDirectory,
        *,
        invocation_limit: int | None = MAX_RECORDS,
    ) -> None:
        """`invocation_limit`: how many invocations are kept at most (None: no cap; the 30 days
        of retention hold either way), the oldest completed ones forgotten first (A100)."""
        self.account_id = account_id
        self._ids = ids
        self.agent = agent
        self.roles = roles
        self.instances: dict[str, Instance] = {}
        self.commands: dict[str, Command] = {}
        self.records = InvocationRecords(invocation_limit)
        self.records.on_forget = self._forget_invocation
        #: Every invocation kept, by InvokeId (the records' own dict: read it, never write it).
        self.invocations: dict[str, Invocation] = self.records.by_id
        self.handlers: dict[str, CommandHandler] = {}
        self._client_tokens: dict[tuple[str, str], tuple[object, Response]] = {}
        #: What settle looks at: by InvokeId, in the order they were made (or reopened).
        self._unsettled: dict[str, Invocation] = {}
        self.deliveries: dict[str, FileDelivery] = {}  # SendFile, by InvokeId (read it only)
        self._files_due: dict[str, FileDelivery] = {}  # those not written yet
        self._files_in_order: deque[str] = deque()  # every kept one's id, oldest first
        self.sessions: dict[str, TerminalSession] = {}  # Session Manager, by SessionId
        self.key_pairs: dict[tuple[str, str], KeyPair] = {}  # by (region, name)
        self.bound_key_pairs: dict[str, str] = {}  # instance id -> key pair name, until it starts

    def arn(self, region: str, kind: str, resource_id: str) -> str:
        return f"acs:ecs:{region}:{self.account_id}:{kind}/{resource_id}"

    def _instances(
        self,
        call: Call,
        ids: Sequence[str],
        *,
        not_found: Callable[[], ApiError] = errors.instance_not_found,
        authorize: bool = False,
    ) -> list[Instance]:
        """The instances named, in the call's region; with `authorize`, each is authorized as
        it is found, so a refusal comes before the lookup of the instances after it."""
        found = []
        for instance_id in ids:
            instance = self.instances.get(instance_id)
            if instance is None or instance.region != call.region:
                raise not_found()
            if authorize:
                call.authorize(
                    self.arn(call.region, "instance", instance_id), resource_tags(instance)
                )
            found.append(instance)
        return found

    # ---- the life of an invocation ----------------------------------------------------------

    def _invoke(
        self,
        call: Call,
        command: Command,
        instances: Sequence[Instance],
        mode: str,
        container: str,
        username: str | None,
    ) -> Invocation:
        """Start a run of `command` on `instances`; `container` and `username` are the call's
        `container_of` and `Username`, read once by the action."""
        timeout = call.params.number("Timeout", command.timeout, low=10, high=86400)
        requested = username or ""
        invocation = Invocation(
            invoke_id=self._ids.invocation(),
            region=call.region,
            command=command,
            username=requested,
            created=call.now,
            timeout=timeout,
            password_parameter=call.params.text("WindowsPasswordName") or "",
            repeat_mode=mode,
            frequency=call.params.text("Frequency") or "",
            script=command.content,
            container=container,
        )
        start_at = call.now + START_DELAY
        finish_at = start_at + RUN_TIME
        waiting = invocation.periodic
        for instance in instances:
            # In a container, Username does not take effect: the container's default user runs
            # it (A41; [SDK] _run_command_request.py, ContainerId); no such container fails
            # the instance (A110). Elsewhere the user is `run_as_named`'s.
            in_container = container_user(call, instance) if container else None
            user = in_container or ("" if container else run_as_named(requested, instance))
            known = instance.guest.canonical_user(user) if user else None
            target = Target(instance, user, start_at, finish_at, waiting=waiting)
            if container and in_container is None:
                target.failure = "ContainerNotExists"
            elif known is None:
                target.failure = "AccountNotExists"
            else:
                target.username = known if instance.os == "windows" else user
                target.needs_logon = instance.os == "windows" and known != "System"
            invocation.targets.append(target)
        command.invoke_times += 1
        self.records.add(invocation)
        self._unsettled[invocation.invoke_id] = invocation
        return invocation

    def settle(self, now: datetime) -> None:
        """Start every invocation whose time has come (only the unsettled ones are looked at),
        and write the files sent."""
        for invoke_id, invocation in list(self._unsettled.items()):
            if invocation.repeat_mode == "Period" and not invocation.stopped:
                self._schedule(invocation, now)
            for target in invocation.targets:
                if target.waiting:
                    continue
                if target.needs_logon and now >= target.start_at and target.stopped_at is None:
                    target.needs_logon = False
                    target.failure = self._logon(
                        target.instance, target.username, invocation.password_parameter, now
                    )
                target.settle(now, invocation.script, self.handlers)
            if invocation.periodic and not invocation.stopped:
                continue  # runs to come: it stays
            for target in invocation.targets:
                if not target.settled:
                    break
            else:  # every target settled
                self._unsettled.pop(invoke_id, None)
        if self._files_due:
            self._write_files(now)
        if self._files_in_order:
            self._forget_files(now)
        self.records.advance(now)

    # ---- files sent (SendFile) --------------------------------------------------------------

    def deliver(self, delivery: FileDelivery) -> None:
        """Keep a SendFile, to be written when its time comes (`settle`)."""
        self.deliveries[delivery.invoke_id] = delivery
        self._files_due[delivery.invoke_id] = delivery
        self._files_in_order.append(delivery.invoke_id)
        self._forget_files(delivery.created)

    def _write_files(self, now: datetime) -> None:
        """Write the files whose time has come (only those not written yet are looked at)."""
        for invoke_id, delivery in list(self._files_due.items()):
            delivery.settle(now)
            if delivery.done:
                del self._files_due[invoke_id]

    def _forget_files(self, now: datetime) -> None:
        """SendFile's records are kept as invocations are (A103): 30 days and at most the
        invocation limit of them, counted apart, the oldest written first. Each is written
        START_DELAY after it was made, so the ones not written yet are always the newest."""
        oldest = now - self.records.retention
        limit = self.records.limit
        order = self._files_in_order
        while order:
            first = self.deliveries[order[0]]
            if not first.done or (
                (limit is None or len(order) <= limit) and first.created >= oldest
            ):
                return
            del self.deliveries[order.popleft()]

    def _forget_invocation(self, invocation: Invocation) -> None:
        """The service no longer keeps the invocation (A100): nothing of it is left to run, and
        the command a RunCommand made without KeepCommand, which only this invocation used, goes
        with it (else a long-lived fake would keep one command per run forever)."""
        self._unsettled.pop(invocation.invoke_id, None)
        command = invocation.command
        if not command.kept and self.commands.get(command.command_id) is command:
            del self.commands[command.command_id]

    def reopen(self, invocation: Invocation) -> None:
        """The invocation is about to change (stopped, modified, rerun): unindex it for now.
        One forgotten meanwhile (by the read that settled the call) stays forgotten."""
        if self.invocations.get(invocation.invoke_id) is not invocation:
            return
        self.records.reopen(invocation)
        self._unsettled[invocation.invoke_id] = invocation

    def _schedule(self, invocation: Invocation, now: datetime) -> None:
        """Start the next run of a Period task on each instance whose last run is over."""
        for target in invocation.targets:
            runs = target.repeats + (0 if target.waiting else 1)
            due = next_run(invocation.frequency, invocation.created, now, runs)
            if due is None or due > now or not (target.waiting or target.settled):
                continue
            if not target.waiting:
                target.repeats += 1
            target.needs_logon = target.instance.os == "windows" and target.username != "System"
            target.rerun(due)

    def reboot(self, instance: Instance, now: datetime) -> None:
        """The instance starts again: its NextRebootOnly and EveryReboot tasks run."""
        for invocation in self.records.live():  # a task with runs to come is always live
            if invocation.repeat_mode not in ("NextRebootOnly", "EveryReboot"):
                continue
            if invocation.stopped:
                continue
            for target in invocation.targets:
                if target.instance is not instance:
                    continue
                if invocation.repeat_mode == "NextRebootOnly" and not target.waiting:
                    continue
                if not target.waiting:
                    target.repeats += 1
                target.rerun(now + START_DELAY)
                self.reopen(invocation)

    def _logon(self, instance: Instance, username: str, parameter: str, now: datetime) -> str:
        """What the agent does before running a command or a session as a Windows user: fetch
        the password with the instance role's credentials (A5, A130) and log on. Returns the
        ErrorCode, or "" on success."""
        if instance.ram_role is None:
            return "InstanceRoleInvalid"
        password = self.agent.password(instance, parameter, now)
        if password is None:
            return "QueryParameterStoreFailed"
        if not instance.guest.password_matches(username, password):
            return "UserOrPasswordInvalid"
        return ""

    # ---- the account's view -----------------------------------------------------------------

    def snapshot(self, now: datetime) -> dict[str, Any]:
        """Instances, commands and invocations as they stand: nothing due is run to take it."""
        return {
            "Instances": [i.snapshot() for i in self.instances.values()],
            "Commands": [c.snapshot() for c in self.commands.values()],
            "Invocations": self.records.snapshot(now),
        }
