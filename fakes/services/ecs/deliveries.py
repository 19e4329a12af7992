"""What Cloud Assistant delivers to an instance beside commands: files (SendFile) and Session
Manager sessions. State only; the actions are in `files` and `sessions`."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakes.clock import iso
from fakes.services.ecs.state import START_DELAY, Instance

#: Per-instance failures, NOT FOUND in the docs (A42).
FILE_EXISTS = "FileAlreadyExists"
NO_SUCH_OWNER = "UserOrGroupNotExist"


@dataclass
class FileDelivery:
    """One SendFile: what it writes, and how each instance took it."""

    invoke_id: str
    region: str
    name: str
    description: str
    target_dir: str
    content: bytes
    content_type: str
    raw_content: str
    owner: str
    group: str
    mode: str
    overwrite: bool
    created: datetime
    timeout: int = 60
    resource_group_id: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    results: dict[str, str] = field(default_factory=dict)  # instance id -> ErrorCode ("" ok)
    instances: list[Instance] = field(default_factory=list)
    done: bool = False

    def settle(self, now: datetime) -> None:
        """Write the file on each instance once the start time has come."""
        if self.done or now < self.created + START_DELAY:
            return
        self.done = True
        path = posixpath.join(self.target_dir, self.name)
        for instance in self.instances:
            guest = instance.guest
            if instance.os == "windows":
                guest.files.write(path, self.content)
                self.results[instance.instance_id] = ""
                continue
            if guest.files.get(path) is not None and not self.overwrite:
                self.results[instance.instance_id] = FILE_EXISTS
                continue
            groups = {name for name, _, _ in guest.accounts.groups()}
            if guest.accounts.user(self.owner) is None or self.group not in groups:
                self.results[instance.instance_id] = NO_SUCH_OWNER
                continue
            guest.files.write(path, self.content, self.owner, self.group, int(self.mode, 8))
            self.results[instance.instance_id] = ""

    def status(self, instance_id: str, now: datetime) -> str:
        if not self.done:
            return "Pending" if now < self.created + START_DELAY else "Running"
        return "Failed" if self.results.get(instance_id) else "Success"


@dataclass
class TerminalSession:
    session_id: str
    region: str
    instance: Instance
    username: str
    command_line: str
    port_number: int | None
    target_server: str
    principal_id: str
    started: datetime
    ended: datetime | None = None
    failed_detail: str = ""  # the agent could not log on as `username` (A130)

    def view(self) -> dict[str, Any]:
        status = "Disconnected" if self.ended else "Connected"
        if self.failed_detail:
            status = "Failed"
        return {
            "SessionId": self.session_id,
            "Username": self.username,
            "PortNumber": self.port_number,
            "TargetServer": self.target_server,
            "IdentityType": "RamUser",
            "PrincipalId": self.principal_id,
            "ClientIP": "",
            "CreationTime": iso(self.started),
            "StartTime": iso(self.started),
            "EndTime": iso(self.ended) if self.ended else "",
            "Connections": {
                "Connection": [
                    {
                        "InstanceId": self.instance.instance_id,
                        "Status": status,
                        "StartTime": iso(self.started),
                        "EndTime": iso(self.ended) if self.ended else "",
                        "ClosedReason": "ClientClosed" if self.ended else "",
                        "FailedDetail": self.failed_detail,
                    }
                ]
            },
        }
