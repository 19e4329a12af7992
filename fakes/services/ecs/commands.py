"""Cloud Assistant commands: RunCommand, CreateCommand, InvokeCommand, DeleteCommand and
DescribeCommands, with the checks the real API makes before anything runs.

Authorization follows the modelled assumptions: RunCommand (A7: `instance/<id>`, and `command/*`
when KeepCommand) and InvokeCommand (A9) are authorized per target instance with that
instance's run-as user (A1, A41 in a container); every other call carries no `ecs:CommandRunAs`
(A8). ModifyCommand never changes what a command runs. Codes and statuses: shared/reference
sections 1.2-1.5.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence

from fakes.clock import iso
from fakes.errors import invalid_parameter
from fakes.services.base import Call, Response, action
from fakes.services.ecs import errors
from fakes.services.ecs.base import (
    MAX_INSTANCES,
    EcsBase,
    container_of,
    paginate,
    run_as_named,
)
from fakes.services.ecs.requests import resource_tags, sent_values
from fakes.services.ecs.schedules import check_frequency, repeat_mode
from fakes.services.ecs.state import SCRIPT_TYPES, Command, Instance

MAX_CONTENT_BASE64 = 24 * 1024
RUN_AS_KEY = "ecs:CommandRunAs"
_LENGTH_LIMITS = (
    ("Name", 128, "CmdName.ExceedLimit", "command name"),
    ("Description", 512, "CmdDesc.ExceedLimit", "command description"),
    ("Username", 255, "Username.ExceedLimit", "username"),
    ("WindowsPasswordName", 255, "WindowsPasswordName.ExceedLimit", "WindowsPasswordName"),
)
_LENGTH_NAMES = frozenset(name for name, *_ in _LENGTH_LIMITS)


# ---- the checks RunCommand, CreateCommand and InvokeCommand share ----------------------------


def script_type(call: Call) -> str:
    kind = call.params.require("Type")
    if kind not in SCRIPT_TYPES:
        raise errors.command_type_not_found()
    return kind


def script_content(call: Call, *, default: str = "PlainText") -> str:
    """The script sent, decoded. RunCommand reads it as PlainText unless told otherwise, and an
    unknown encoding as PlainText; CreateCommand reads it as Base64 unless told otherwise, and
    an unknown encoding as Base64 ([SDK] `_create_command_request.py`, reference section 5)."""
    content = call.params.require("CommandContent")
    encoding = (call.params.text("ContentEncoding") or default).lower()
    if encoding not in ("plaintext", "base64"):
        encoding = default.lower()
    if encoding == "base64":
        if len(content) > MAX_CONTENT_BASE64:
            raise errors.command_too_long()
        try:
            return base64.b64decode(content, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise invalid_parameter(
                "CommandContent", content[:32], "It is not valid Base64 text."
            ) from None
    if base64_length(content) > MAX_CONTENT_BASE64:
        raise errors.command_too_long()
    return content


def base64_length(text: str) -> int:
    """The length of `text`'s UTF-8 bytes in Base64, computed, not encoded: 4 characters for
    every 3 bytes begun (RFC 4648 section 4, with padding)."""
    size = len(text) if text.isascii() else len(text.encode("utf-8"))
    return 4 * ((size + 2) // 3)


def check_lengths(call: Call) -> None:
    """The texts that have a length limit, the first too long in `_LENGTH_LIMITS`' order: only
    those sent are looked at (most calls send one of them, or none)."""
    sent = sent_values(call.params, _LENGTH_NAMES)
    if not sent:
        return
    for name, limit, code, what in _LENGTH_LIMITS:
        if len(sent.get(name, "")) > limit:
            raise errors.too_long(code, what)


TERMINATION_MODES = ("Process", "ProcessTree")


def check_parameters(call: Call) -> None:
    """Custom parameters: `Parameters` without `EnableParameter` is `Parameter.Disabled`
    (InvokeCommand API reference); custom parameters themselves are not modelled."""
    if call.params.flag("EnableParameter"):
        raise errors.unsupported("EnableParameter")
    if call.params.text("Parameters"):
        raise errors.parameter_disabled()


def refuse_unmodelled(
    call: Call, instances: Sequence[Instance] = (), container: str | None = None
) -> str:
    """The RepeatMode of a run, after refusing what the fake does not model (the parameters it
    refuses by name are `unmodelled.UNMODELLED`'s, refused before any action runs).
    TerminationMode is checked and kept (it only shapes how a stop ends a process, which the
    fake's guest has none of). `container`: the call's `container_of`, when read already."""
    mode = repeat_mode(call)
    if mode == "Period":
        check_frequency(
            call.params.require("Frequency"), call.params.number("Timeout", 60, low=10, high=86400)
        )
    check_parameters(call)
    termination = call.params.text("TerminationMode")
    if termination is not None and termination not in TERMINATION_MODES:
        raise errors.invalid_termination_mode()
    if container is None:
        container = container_of(call)
    if container and any(i.os != "linux" for i in instances):
        raise errors.instance_os_mismatch()  # containers: Linux instances only ([SDK])
    return mode


def check_os(kind: str, instances: Sequence[Instance]) -> None:
    for instance in instances:
        if SCRIPT_TYPES[kind] != instance.os:
            raise errors.instance_os_mismatch()


def check_windows_password(
    call: Call, instances: Sequence[Instance], container: str, username: str | None
) -> None:
    """`container` and `username` as the call sent them (`container_of`, `Username`)."""
    if container:
        return  # Username does not take effect in a container
    for instance in instances:
        if instance.os != "windows":
            continue
        user = run_as_named(username, instance)
        is_default = user.lower() == instance.guest.default_user.lower()
        if not is_default and not call.params.text("WindowsPasswordName"):
            raise errors.windows_password_missing()


class CommandActions(EcsBase):
    """Commands, and the calls that run them."""

    def _targets_of(self, call: Call) -> list[Instance]:
        ids = call.params.items_of("InstanceId")
        if not ids:
            raise errors.missing_instance_id()
        if len(ids) > MAX_INSTANCES:
            raise errors.too_many_instances()
        return self._instances(call, list(dict.fromkeys(ids)))

    def _idempotent(self, call: Call, make: Callable[[], Response]) -> Response:
        token = call.params.text("ClientToken")
        if token is None:
            return make()
        if len(token) > 64 or not token.isascii():
            raise errors.client_token_malformed()
        # The token names one request: the same caller, region and parameters get the first
        # answer again; anything else reusing the token is a mismatch, not a second run.
        request = (call.caller.principal_id, call.region, sorted(call.params.items()))
        key = (call.action, token)
        if key in self._client_tokens:
            first_request, first_answer = self._client_tokens[key]
            if first_request != request:
                raise errors.client_token_mismatch()
            return first_answer
        answer = make()
        self._client_tokens[key] = (request, answer)
        return answer

    def _authorize_runs(
        self,
        call: Call,
        instances: Sequence[Instance],
        command: str | None,
        username: str | None,
    ) -> None:
        """Once per target instance, on the instance and (when given) the command, as that
        instance's run-as user (A1, `username` the `Username` sent): a run as root anywhere in
        the list refuses the whole call. RunCommand names the command only when it keeps it
        (A7)."""
        for instance in instances:
            context = {RUN_AS_KEY: (run_as_named(username, instance),), **resource_tags(instance)}
            call.authorize(self.arn(call.region, "instance", instance.instance_id), context)
            if command is not None:
                call.authorize(self.arn(call.region, "command", command), context)

    def _new_command(
        self, call: Call, name: str, kind: str, content: str, timeout: int, *, kept: bool
    ) -> Command:
        command = Command(
            command_id=self._ids.command(),
            region=call.region,
            name=name,
            type=kind,
            content=content,
            description=call.params.text("Description") or "",
            working_dir=call.params.text("WorkingDir") or "",
            timeout=timeout,
            created=call.now,
            kept=kept,
        )
        self.commands[command.command_id] = command
        return command

    def _command(self, call: Call, *, kept_only: bool = True) -> Command:
        command_id = call.params.require("CommandId")
        command = self.commands.get(command_id)
        if command is None or command.region != call.region or (kept_only and not command.kept):
            raise errors.command_not_found()
        return command

    @action("RunCommand")
    def run_command(self, call: Call) -> Response:
        kind = script_type(call)
        content = script_content(call)
        check_lengths(call)
        instances = self._targets_of(call)
        container, username = container_of(call), call.params.text("Username")
        mode = refuse_unmodelled(call, instances, container)
        # A7: on each instance; on `command/*` too when the command is kept ([CA-RAM]).
        kept = call.params.flag("KeepCommand")
        self._authorize_runs(call, instances, "*" if kept else None, username)
        check_os(kind, instances)
        check_windows_password(call, instances, container, username)
        timeout = call.params.number("Timeout", 60, low=10, high=86400)

        def make() -> Response:
            name = call.params.text("Name") or ""
            command = self._new_command(call, name, kind, content, timeout, kept=kept)
            invocation = self._invoke(call, command, instances, mode, container, username)
            return {"CommandId": command.command_id, "InvokeId": invocation.invoke_id}

        return self._idempotent(call, make)

    @action("CreateCommand")
    def create_command(self, call: Call) -> Response:
        name = call.params.require("Name")
        kind = script_type(call)
        content = script_content(call, default="Base64")
        check_lengths(call)
        check_parameters(call)
        call.authorize(self.arn(call.region, "command", "*"))  # A8: no ecs:CommandRunAs
        timeout = call.params.number("Timeout", 60, low=10, high=86400)

        def make() -> Response:
            command = self._new_command(call, name, kind, content, timeout, kept=True)
            return {"CommandId": command.command_id}

        return self._idempotent(call, make)

    @action("InvokeCommand")
    def invoke_command(self, call: Call) -> Response:
        command = self._command(call)
        check_lengths(call)
        instances = self._targets_of(call)
        container, username = container_of(call), call.params.text("Username")
        mode = refuse_unmodelled(call, instances, container)
        self._authorize_runs(call, instances, command.command_id, username)  # A9
        check_os(command.type, instances)
        check_windows_password(call, instances, container, username)

        def make() -> Response:
            invocation = self._invoke(call, command, instances, mode, container, username)
            return {"InvokeId": invocation.invoke_id}

        return self._idempotent(call, make)

    @action("ModifyCommand")
    def modify_command(self, call: Call) -> Response:
        """Name, description, timeout and working directory. `CommandContent` "is deprecated
        and does not take effect even if specified" ([SDK] `_modify_command_request.py`): what
        the command runs never changes here."""
        call.authorize(self.arn(call.region, "command", call.params.require("CommandId")))  # A8
        command = self._command(call)
        check_lengths(call)
        name, description = call.params.text("Name"), call.params.text("Description")
        working_dir = call.params.text("WorkingDir")
        if name is not None:
            command.name = name
        if description is not None:
            command.description = description
        if working_dir is not None:
            command.working_dir = working_dir
        if call.params.text("Timeout") is not None:
            command.timeout = call.params.number("Timeout", 60, low=10, high=86400)
        return {}

    @action("DeleteCommand")
    def delete_command(self, call: Call) -> Response:
        # Authorized before the lookup, so a caller without permission learns nothing of ids.
        call.authorize(self.arn(call.region, "command", call.params.require("CommandId")))  # A8
        command = self._command(call)
        command.kept = False
        return {}

    @action("DescribeCommands")
    def describe_commands(self, call: Call) -> Response:
        call.authorize(self.arn(call.region, "command", "*"))  # A8, A11
        encoding = call.params.text("ContentEncoding") or "Base64"
        wanted_id, wanted_name = call.params.text("CommandId"), call.params.text("Name")
        wanted_type = call.params.text("Type")
        chosen = [
            c
            for c in self.commands.values()
            if c.kept
            and c.region == call.region
            and wanted_id in (None, c.command_id)
            and wanted_name in (None, c.name)
            and wanted_type in (None, c.type)
        ]
        page, number, size = paginate(call, chosen, default=10, high=50)
        return {
            "Commands": {
                "Command": [
                    {
                        "CommandId": c.command_id,
                        "Name": c.name,
                        "Type": c.type,
                        "Description": c.description,
                        "CommandContent": c.content_as(encoding),
                        "WorkingDir": c.working_dir,
                        "Timeout": c.timeout,
                        "CreationTime": iso(c.created),
                        "InvokeTimes": c.invoke_times,
                        "Latest": True,
                        "Version": 1,
                        "Provider": "",
                        "EnableParameter": False,
                    }
                    for c in page
                ]
            },
            "TotalCount": len(chosen),
            "PageNumber": number,
            "PageSize": size,
        }
