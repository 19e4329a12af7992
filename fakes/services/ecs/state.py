"""ECS state: instances with their guests, Cloud Assistant commands and invocations.

An invocation's life runs on the virtual clock: Pending when created and still at the next call
(one tick later), Running from two ticks on, final one tick after that. The script runs on the
guest when the invocation starts, so a stopped or refused invocation never touches the guest.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fakes.clock import iso
from fakes.guest import CommandHandler, ExecResult, Guest

#: Two ticks, so the first poll after RunCommand sees Pending and can still cancel the run.
START_DELAY = timedelta(seconds=2)
RUN_TIME = timedelta(seconds=1)
OUTPUT_LIMIT = 24 * 1024

SCRIPT_TYPES = {
    "RunShellScript": "linux",
    "RunBatScript": "windows",
    "RunPowerShellScript": "windows",
}

#: ErrorInfo texts, current SDK docstring wording (shared/reference section 1.7).
ERROR_INFO = {
    "AccountNotExists": "The specified account does not exist.",
    "ExitCodeNonzero": "The command execution exit code is not zero.",
    "ExecutionTimeout": "The command execution has been timeout.",
    "UserOrPasswordInvalid": "The username or password is incorrect.",
    "QueryParameterStoreFailed": "Failed to pull parameters from Parameter Store.",
    "InstanceRoleInvalid": "The instance role is not granted to the instance.",
    "ClientNotRunning": "The Cloud Assistant agent is not running on the instance.",
    "ClientNotResponse": "The Cloud Assistant agent on the instance does not respond.",
    # NOT FOUND in the docs or the SDK: the fake's wording (A110).
    "ContainerNotExists": "The specified container does not exist on the instance.",
}

#: The runtime prefixes a ContainerId may carry ([SDK] _run_command_request.py, ContainerId).
CONTAINER_RUNTIMES = ("docker://", "containerd://", "cri-o://")


@dataclass(frozen=True)
class Container:
    """A container running on an instance: its 64-hex id, its name, and its default user, who
    runs every command sent into it (A41). The fake has no container file system: the run
    happens on the instance's guest, as that user."""

    container_id: str
    name: str
    user: str


#: The agent version a new instance reports (DescribeCloudAssistantStatus).
AGENT_VERSION = "2.2.3.1000"


@dataclass
class AgentStatus:
    """The Cloud Assistant agent on one instance, as DescribeCloudAssistantStatus reports it.

    `stopped_at`: the agent stopped then (status `false`, its last heartbeat then); `silent_since`:
    it still counts as running but has sent no heartbeat since (a hung agent). Either way a run
    sent to the instance fails there (A85)."""

    version: str = AGENT_VERSION
    stopped_at: datetime | None = None
    silent_since: datetime | None = None

    @property
    def online(self) -> bool:
        return self.stopped_at is None

    def last_heartbeat(self, now: datetime) -> datetime:
        return self.stopped_at or self.silent_since or now

    def failure(self) -> str:
        """The per-instance ErrorCode a run gets from this agent, or "" when it runs (A85)."""
        if self.stopped_at is not None:
            return "ClientNotRunning"
        if self.silent_since is not None:
            return "ClientNotResponse"
        return ""


@dataclass
class Instance:
    instance_id: str
    region: str
    name: str
    created: datetime
    guest: Guest
    ram_role: str | None = None  # the instance RAM role's name, once attached
    resource_group_id: str = ""  # the resource group it belongs to (the account's default)
    user_data: str = ""  # runs as root at the next start (ModifyInstanceAttribute, A46)
    #: key -> value (TagResources; DescribeInstances' Tag.N filter; `acs:ResourceTag/<key>`)
    tags: dict[str, str] = field(default_factory=dict)
    agent: AgentStatus = field(default_factory=AgentStatus)
    #: The containers running on it (A110: a run into any other fails with ContainerNotExists).
    containers: tuple[Container, ...] = ()

    @property
    def os(self) -> str:
        return self.guest.os

    def container(self, *, container_id: str | None, name: str | None) -> Container | None:
        """The container a run names by `ContainerId` (a runtime prefix allowed) or by
        `ContainerName`, or None when the instance runs no such container."""
        if container_id is not None:
            bare = next(
                (container_id[len(p) :] for p in CONTAINER_RUNTIMES if container_id.startswith(p)),
                container_id,
            )
            return next((c for c in self.containers if c.container_id == bare), None)
        return next((c for c in self.containers if c.name == name), None)

    def snapshot(self) -> dict[str, Any]:
        """The instance as plain data: its users' passwords are not part of it."""
        return {
            "InstanceId": self.instance_id,
            "RegionId": self.region,
            "OSType": self.os,
            "HostName": self.guest.hostname,
            "RamRoleName": self.ram_role,
            "ResourceGroupId": self.resource_group_id,
            "Tags": dict(self.tags),
            "CloudAssistantOnline": self.agent.online,
            # The latest runs (at least HISTORY_KEPT of them), and how many ran before those.
            "Ran": [{"Username": who, "Script": what} for who, what in self.guest.history],
            "RanBefore": self.guest.earlier_runs,
            "RanBeforeBy": dict(sorted(self.guest.earlier_runs_by.items())),
        }


@dataclass(slots=True)
class Command:
    command_id: str
    region: str
    name: str
    type: str
    content: str  # plain text
    description: str
    working_dir: str
    timeout: int
    created: datetime
    kept: bool  # listed by DescribeCommands (CreateCommand, or RunCommand with KeepCommand)
    invoke_times: int = 0

    def content_as(self, encoding: str) -> str:
        return encode_text(self.content, encoding)

    def snapshot(self) -> dict[str, Any]:
        return {
            "CommandId": self.command_id,
            "Name": self.name,
            "Type": self.type,
            "Content": self.content,
            "Kept": self.kept,
        }


def encode_text(text: str, encoding: str) -> str:
    if not text or encoding.lower() == "plaintext":
        return text  # nothing is nothing in any encoding
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


@dataclass(slots=True)
class Target:
    """One instance of one invocation: its run-as user and how it ended (or will end)."""

    instance: Instance
    username: str
    start_at: datetime
    finish_at: datetime
    failure: str = ""  # an ErrorCode decided before the script could run (AccountNotExists, ...)
    needs_logon: bool = False  # a Windows user other than System: the agent must log on first
    result: ExecResult | None = None
    stopped_at: datetime | None = None
    #: A periodic or reboot task before its first run (A44): nothing has run yet.
    waiting: bool = False
    repeats: int = 0

    @property
    def settled(self) -> bool:
        """Nothing left to run: it ran, failed before running, or was stopped before it began."""
        if self.waiting:
            return False
        return (
            self.result is not None
            or bool(self.failure)
            or (self.stopped_at is not None and self.stopped_at < self.start_at)
        )

    def settle(self, now: datetime, script: str, handlers: dict[str, CommandHandler]) -> None:
        """Run the script on the guest once the start time has come, unless stopped before."""
        if self.result is not None or self.failure or now < self.start_at:
            return
        if self.stopped_at is not None and self.stopped_at < self.start_at:
            return
        unreachable = self.instance.agent.failure()
        if unreachable:  # A85: the agent never takes the run, so nothing runs on the guest
            self.failure = unreachable
            return
        self.result = self.instance.guest.run(script, self.username, handlers)

    def rerun(self, at: datetime) -> None:
        """The next run of a periodic or reboot task, from `at` (A44)."""
        self.waiting = False
        self.start_at, self.finish_at = at, at + RUN_TIME
        self.result, self.failure = None, ""

    def status(self, now: datetime) -> str:
        if self.waiting:
            return "Scheduled" if self.stopped_at is None else "Cancelled"
        if self.stopped_at is not None and (self.stopped_at < self.finish_at):
            return "Cancelled" if self.stopped_at < self.start_at else "Terminated"
        if now < self.start_at:
            return "Pending"
        if now < self.finish_at:
            return "Running"
        if self.failure:
            return "Failed"  # A12
        assert self.result is not None
        return "Success" if self.result.exit_code == 0 else "Failed"

    def observed_status(self, now: datetime) -> str:
        """The status without running anything: a target due to start that has not run on its
        guest yet (the service runs it at its next read) is still Pending."""
        if not self.settled and now >= self.start_at:
            return "Pending"
        return self.status(now)

    def error_code(self, now: datetime) -> str:
        return self._error_code(self.status(now))

    def _error_code(self, status: str) -> str:
        """The ErrorCode of a run in `status`: why it failed, else none."""
        return (self.failure or "ExitCodeNonzero") if status == "Failed" else ""

    def view(self, now: datetime, encoding: str, invocation: Invocation) -> dict[str, Any]:
        status = self.status(now)
        final = status not in ("Pending", "Running")
        code = self._error_code(status)
        raw = self.result.output if (self.result and status != "Pending") else ""
        if raw.isascii() and len(raw) <= OUTPUT_LIMIT:  # a byte a character: nothing cut
            output, dropped = raw, 0
        else:
            data = raw.encode("utf-8")
            dropped = max(0, len(data) - OUTPUT_LIMIT)
            output = data[:OUTPUT_LIMIT].decode("utf-8", errors="ignore")
        view: dict[str, Any] = {
            "CommandId": invocation.command.command_id,
            "InvokeId": invocation.invoke_id,
            "InstanceId": self.instance.instance_id,
            "InvocationStatus": status,
            "InvokeRecordStatus": "Finished" if final else "Running",
            "ErrorCode": code,
            "ErrorInfo": ERROR_INFO.get(code, ""),
            "Output": encode_text(output, encoding),
            "Dropped": dropped,
            "Repeats": self.repeats + (1 if status not in ("Pending", "Scheduled") else 0),
            "StartTime": iso(self.start_at) if status != "Pending" else "",
            "FinishedTime": iso(self.finish_at) if final and not self.stopped_at else "",
            "StopTime": iso(self.stopped_at) if self.stopped_at else "",
            "Username": self.username,
        }
        if self.result is not None and final and status != "Cancelled":
            view["ExitCode"] = self.result.exit_code
        return view


@dataclass(slots=True)
class Invocation:
    invoke_id: str
    region: str
    command: Command
    username: str  # as requested ("" when the caller named nobody)
    created: datetime
    timeout: int
    targets: list[Target] = field(default_factory=list)
    password_parameter: str = ""  # WindowsPasswordName: the OOS parameter holding the password
    repeat_mode: str = "Once"
    frequency: str = ""
    #: What runs: the command's content, until ModifyInvocationAttribute gives a task new content.
    script: str = ""
    container: str = ""  # ContainerId or ContainerName: the run is in that container (A41)
    stopped: bool = False

    @property
    def periodic(self) -> bool:
        return self.repeat_mode in ("Period", "NextRebootOnly", "EveryReboot")

    def overall(self, now: datetime) -> str:
        """DescribeInvocations' roll-up of the per-instance statuses."""
        statuses = {t.status(now) for t in self.targets}
        if self.periodic and not self.stopped and not statuses & _RUNNING:
            return "Scheduled"  # A44: a task waiting for its next run
        return rollup(statuses)

    def legacy_status(self, now: datetime) -> str:
        return legacy_of(self.overall(now))

    def snapshot(self, now: datetime) -> dict[str, Any]:
        """The invocation as plain data, as far as it has run (nothing is run to take it)."""
        return {
            "InvokeId": self.invoke_id,
            "CommandId": self.command.command_id,
            "Status": rollup({t.observed_status(now) for t in self.targets}),
            "Targets": [
                {
                    "InstanceId": t.instance.instance_id,
                    "Username": t.username,
                    "Status": t.observed_status(now),
                    "ErrorCode": t.error_code(now) if t.settled else "",
                }
                for t in self.targets
            ],
        }


_RUNNING = frozenset({"Pending", "Running"})
_LEGACY = {"Pending": "Running", "Success": "Finished"}


def legacy_of(overall: str) -> str:
    """The legacy `InvokeStatus` of a DescribeInvocations roll-up (`Invocation.overall`)."""
    return _LEGACY.get(overall, overall)


_SCHEDULED = frozenset({"Scheduled"})
_PENDING = frozenset({"Pending"})
_UNDER_WAY = frozenset({"Pending", "Running", "Stopping"})
_SUCCESS = frozenset({"Success"})
_STOPPED = frozenset({"Cancelled", "Terminated"})
_FAILED_OR_STOPPED = frozenset({"Failed", "Invalid", "Aborted", "Timeout", "Error"}) | _STOPPED


def rollup(statuses: set[str]) -> str:
    """One status for a set of per-instance statuses, as DescribeInvocations reports it."""
    if statuses <= _SCHEDULED:
        return "Scheduled"
    if statuses == _PENDING:
        return "Pending"
    if statuses & _UNDER_WAY:
        return "Running"
    if statuses <= _SUCCESS:
        return "Success"
    if statuses <= _STOPPED:
        return "Stopped"
    if statuses <= _FAILED_OR_STOPPED:
        return "Failed"
    return "PartialFailed"


@dataclass
class KeyPair:
    """An SSH key pair imported into a region (ImportKeyPair), bound to instances by
    AttachKeyPair."""

    name: str
    region: str
    public_key: str
    fingerprint: str
    created: datetime
