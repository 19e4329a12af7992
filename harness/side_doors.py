"""The Cloud Assistant and ECS calls that act on an instance without `ecs:CommandRunAs` (shared
reference paths-to-root.md section 2): SendFile, Session Manager, periodic tasks and their
modification, runs in a container, the instance's own password and restarts. Each goes through
the official SDK and the gateway, as every call of the harness does; a refusal raises `Refusal`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ecs20140526.client import Client as EcsClient

from harness.cloud_assistant import EcsCaller
from harness.errors import HarnessError
from harness.provisioning.ledger import CleanupLedger, Resource
from harness.sdk.retry import backoff

FILE_FINAL = frozenset({"Success", "Failed", "Error", "Timeout", "Invalid", "Aborted"})


@dataclass(frozen=True)
class Accepted:
    """A side-door request the cloud accepted: which call, on which instance, its id."""

    action: str
    instance_id: str
    resource_id: str  # the InvokeId or SessionId the cloud gave back, "" when none

    def __str__(self) -> str:
        shown = f" ({self.resource_id})" if self.resource_id else ""
        return f"{self.action} on `{self.instance_id}` was accepted{shown}"


@dataclass(frozen=True)
class TerminalSession:
    session_id: str
    web_socket_url: str


class SideDoors:
    """The side-door calls as one principal makes them, in one region. What they leave on an
    instance beyond a scenario (an instance RAM role) is written ahead to the ledger."""

    def __init__(self, ecs: EcsCaller) -> None:
        self._ecs = ecs

    # ---- SendFile -------------------------------------------------------------------------

    def send_file(
        self,
        instance_id: str,
        path: str,
        content: str,
        *,
        owner: str | None = None,
        group: str | None = None,
        mode: str | None = None,
        overwrite: bool = True,
    ) -> str:
        """Write `content` at `path` (owner and group root unless named); the InvokeId."""
        target_dir, _, name = path.rpartition("/")
        request = ecs.SendFileRequest(
            region_id=self._ecs.region,
            instance_id=[instance_id],
            name=name,
            target_dir=target_dir or "/",
            content=base64.b64encode(content.encode("utf-8")).decode("ascii"),
            content_type="Base64",
            file_owner=owner,
            file_group=group,
            file_mode=mode,
            overwrite=overwrite,
        )
        response = self._ecs.call(self._ecs.client.send_file, request)
        return str(response.body.invoke_id)

    def file_result(self, invoke_id: str, instance_id: str, *, deadline: float = 60.0) -> str:
        """Wait for the file to be written; its status, with the ErrorCode when it failed."""
        waited, delays = 0.0, backoff(self._ecs.first_delay)
        while True:
            request = ecs.DescribeSendFileResultsRequest(
                region_id=self._ecs.region, invoke_id=invoke_id, instance_id=instance_id
            )
            body = self._ecs.call(self._ecs.client.describe_send_file_results, request).body
            rows = [
                row
                for invocation in (body.invocations.invocation or [])
                for row in (invocation.invoke_instances.invoke_instance or [])
                if row.instance_id == instance_id
            ]
            status = str(rows[0].invocation_status) if rows else ""
            if status in FILE_FINAL:
                code = str(rows[0].error_code or "")
                return status + (f" ({code})" if code else "")
            if waited >= deadline:
                raise HarnessError(f"the file of `{invoke_id}` was not written after {waited} s")
            delay = next(delays)
            self._ecs.sleep(delay)
            waited += delay

    # ---- Session Manager ------------------------------------------------------------------

    def start_session(
        self, instance_id: str, *, username: str | None = None, command_line: str | None = None
    ) -> TerminalSession:
        request = ecs.StartTerminalSessionRequest(
            region_id=self._ecs.region,
            instance_id=[instance_id],
            username=username,
            command_line=command_line,
        )
        body = self._ecs.call(self._ecs.client.start_terminal_session, request).body
        return TerminalSession(str(body.session_id), str(body.web_socket_url))

    def end_session(self, session_id: str) -> None:
        request = ecs.EndTerminalSessionRequest(region_id=self._ecs.region, session_id=session_id)
        self._ecs.call(self._ecs.client.end_terminal_session, request)

    def session_user(self, session_id: str) -> str:
        """Who the session runs as, as DescribeTerminalSessions tells it."""
        request = ecs.DescribeTerminalSessionsRequest(
            region_id=self._ecs.region, session_id=session_id
        )
        body = self._ecs.call(self._ecs.client.describe_terminal_sessions, request).body
        found = body.sessions.session or [] if body.sessions else []
        if not found:
            raise HarnessError(f"the session `{session_id}` is not listed")
        return str(found[0].username or "")

    # ---- tasks that run again -------------------------------------------------------------

    def _run_shell(self, instance_id: str, script: str, **fields: Any) -> str:
        """RunCommand of a shell script with these extra fields; the InvokeId. The ClientToken
        makes a retry the same run."""
        request = ecs.RunCommandRequest(
            region_id=self._ecs.region,
            type="RunShellScript",
            command_content=script,
            instance_id=[instance_id],
            timeout=60,
            client_token=str(uuid.uuid4()),
            **fields,
        )
        response = self._ecs.call(self._ecs.client.run_command, request, repeatable=True)
        return str(response.body.invoke_id)

    def schedule(
        self,
        instance_id: str,
        script: str,
        repeat_mode: str,
        *,
        frequency: str | None = None,
        username: str | None = None,
    ) -> str:
        """A task that runs at every restart (EveryReboot), or on a Frequency (Period)."""
        return self._run_shell(
            instance_id, script, repeat_mode=repeat_mode, frequency=frequency, username=username
        )

    def modify_task(self, invoke_id: str, script: str) -> None:
        """New content for an existing periodic or reboot task (ModifyInvocationAttribute)."""
        request = ecs.ModifyInvocationAttributeRequest(
            region_id=self._ecs.region,
            invoke_id=invoke_id,
            command_content=base64.b64encode(script.encode("utf-8")).decode("ascii"),
            content_encoding="Base64",
        )
        self._ecs.call(self._ecs.client.modify_invocation_attribute, request)

    def reboot(self, instance_id: str) -> None:
        self._ecs.call(
            self._ecs.client.reboot_instance, ecs.RebootInstanceRequest(instance_id=instance_id)
        )

    # ---- containers, the instance itself --------------------------------------------------

    def run_in_container(
        self, instance_id: str, script: str, container: str, *, username: str | None
    ) -> str:
        """A run in the named container, where `username` does not take effect ([SDK])."""
        return self._run_shell(instance_id, script, container_name=container, username=username)

    def set_password(self, instance_id: str, password: str) -> None:
        """The root (Linux) or Administrator (Windows) logon password."""
        request = ecs.ModifyInstanceAttributeRequest(instance_id=instance_id, password=password)
        self._ecs.call(self._ecs.client.modify_instance_attribute, request)

    def set_user_data(self, instance_id: str, script: str) -> None:
        """The instance's user data (base64, as the API takes it): a script cloud-init runs."""
        encoded = base64.b64encode(script.encode()).decode()
        request = ecs.ModifyInstanceAttributeRequest(instance_id=instance_id, user_data=encoded)
        self._ecs.call(self._ecs.client.modify_instance_attribute, request)

    def attach_role(self, instance_id: str, role: str) -> None:
        """Give the instance a RAM role: whatever runs on it then reads the role's credentials
        from the metadata service."""
        ecs_ = self._ecs
        attach_instance_role(ecs_.call, ecs_.client, ecs_.ledger, instance_id, role, ecs_.region)

    def tag(self, instance_id: str, key: str, value: str) -> None:
        """Tag the instance (TagResources): RAM sees it as `acs:ResourceTag/<key>` there."""
        request = ecs.TagResourcesRequest(
            region_id=self._ecs.region,
            resource_type="instance",
            resource_id=[instance_id],
            tag=[ecs.TagResourcesRequestTag(key=key, value=value)],
        )
        self._ecs.call(self._ecs.client.tag_resources, request)

    # ---- SSH key pairs --------------------------------------------------------------------

    def import_key_pair(self, name: str, public_key: str) -> None:
        """ImportKeyPair of an OpenSSH public key under `name`."""
        request = ecs.ImportKeyPairRequest(
            region_id=self._ecs.region, key_pair_name=name, public_key_body=public_key
        )
        self._ecs.call(self._ecs.client.import_key_pair, request)

    def attach_key_pair(self, instance_id: str, name: str) -> None:
        """AttachKeyPair: at the instance's next start the key pair is root's SSH key."""
        request = ecs.AttachKeyPairRequest(
            region_id=self._ecs.region, instance_ids=json.dumps([instance_id]), key_pair_name=name
        )
        answer = self._ecs.call(self._ecs.client.attach_key_pair, request).body
        if str(answer.fail_count) != "0":
            rows = answer.results.result if answer.results else []
            reasons = "; ".join(f"{r.instance_id}: {r.code} {r.message}" for r in rows or [])
            raise HarnessError(f"the key pair `{name}` was not attached: {reasons or 'no reason'}")


def ssh_public_key(name: str, holder: str) -> str:
    """An OpenSSH ed25519 public key line for the key pair `name` of `holder`. Its 32 key
    bytes are derived from the two names, so a replayed ImportKeyPair matches the recorded one;
    its private half is never made: the spec needs only to see whose key root's is."""
    kind = b"ssh-ed25519"
    point = hashlib.sha256(f"runas-spec:{name}:{holder}".encode()).digest()
    blob = len(kind).to_bytes(4, "big") + kind + len(point).to_bytes(4, "big") + point
    return f"ssh-ed25519 {base64.b64encode(blob).decode('ascii')} {holder}-runas-spec"


def attach_instance_role(
    call: Callable[..., Any],
    client: EcsClient,
    ledger: CleanupLedger | None,
    instance_id: str,
    role: str,
    region: str,
) -> None:
    """AttachInstanceRamRole through `call` (the gateway, as one principal), written ahead to
    the ledger (the administrator detaches it); an instance that already holds a role fails
    in one line."""
    request = ecs.AttachInstanceRamRoleRequest(
        region_id=region, instance_ids=json.dumps([instance_id]), ram_role_name=role
    )
    resource = Resource("instance_role", role, region=region, detail={"InstanceId": instance_id})

    def attach() -> Any:
        return call(client.attach_instance_ram_role, request)

    if ledger is None:
        answer = attach()
    else:
        answer = ledger.create(
            resource, attach, lambda made: None if made.body.fail_count else resource
        )
    if answer.body.fail_count:
        results = answer.body.attach_instance_ram_role_results.attach_instance_ram_role_result
        reasons = "; ".join(f"{r.instance_id}: {r.code} {r.message}" for r in results)
        raise HarnessError(
            f"could not attach role `{role}`: {reasons}: an instance holds one RAM role; "
            "detach the one it has, or use another instance"
        )
