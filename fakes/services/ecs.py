"""ECS (2014-05-26): instances and Cloud Assistant, with real resource ARNs and `ecs:CommandRunAs`.

Authorization follows the modelled assumptions: RunCommand (A7) and InvokeCommand (A9) are
authorized per target instance with that instance's run-as user (A1); every other call carries
no `ecs:CommandRunAs` (A8). Codes and statuses: shared/reference sections 1.2-1.8.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import datetime

from fakes.errors import ApiError, invalid_parameter
from fakes.guest import CommandHandler
from fakes.ids import IdFactory
from fakes.services.base import Call, Response, Service, action
from fakes.services.ecs_models import (
    RUN_TIME,
    SCRIPT_TYPES,
    START_DELAY,
    Command,
    Instance,
    Invocation,
    Target,
)
from fakes.services.ecs_reads import MAX_INSTANCES, EcsReads, too_many_instances
from fakes.services.ecs_roles import Agent, InstanceRoles, RoleDirectory

MAX_CONTENT_BASE64 = 24 * 1024
RUN_AS_KEY = "ecs:CommandRunAs"


class EcsService(EcsReads, InstanceRoles, Service):
    product = "ecs"

    def __init__(self, account_id: str, ids: IdFactory, agent: Agent, roles: RoleDirectory) -> None:
        self.account_id = account_id
        self._ids = ids
        self.agent = agent
        self.roles = roles
        self.instances: dict[str, Instance] = {}
        self.commands: dict[str, Command] = {}
        self.invocations: dict[str, Invocation] = {}
        self.handlers: dict[str, CommandHandler] = {}
        self._client_tokens: dict[tuple[str, str], tuple[object, Response]] = {}
        self._unsettled: set[str] = set()

    # ---- resources --------------------------------------------------------------------------

    def arn(self, region: str, kind: str, resource_id: str) -> str:
        return f"acs:ecs:{region}:{self.account_id}:{kind}/{resource_id}"

    def _instances(self, call: Call, ids: Sequence[str]) -> list[Instance]:
        found = []
        for instance_id in ids:
            instance = self.instances.get(instance_id)
            if instance is None or instance.region != call.region:
                raise ApiError(
                    "InvalidInstance.NotFound", "The specified instance does not exist.", 404
                )
            found.append(instance)
        return found

    def _targets_of(self, call: Call) -> list[Instance]:
        ids = call.params.items_of("InstanceId")
        if not ids:
            raise ApiError(
                "MissingParam.InstanceId", "The parameter instanceId is missing or empty.", 400
            )
        if len(ids) > MAX_INSTANCES:
            raise too_many_instances()
        return self._instances(call, list(dict.fromkeys(ids)))

    def settle(self, now: datetime) -> None:
        """Start every invocation whose time has come (only the unsettled ones are looked at)."""
        for invoke_id in list(self._unsettled):
            invocation = self.invocations[invoke_id]
            for target in invocation.targets:
                if target.needs_logon and now >= target.start_at and target.stopped_at is None:
                    target.needs_logon = False
                    target.failure = self._logon(target, invocation.password_parameter, now)
                target.settle(now, invocation.command.content, self.handlers)
            if all(t.settled for t in invocation.targets):
                self._unsettled.discard(invoke_id)

    def _logon(self, target: Target, parameter: str, now: datetime) -> str:
        """What the agent does before running as a Windows user: fetch the password with the
        instance role's credentials (A5) and log on. Returns the ErrorCode, or "" on success."""
        instance = target.instance
        if instance.ram_role is None:
            return "InstanceRoleInvalid"
        password = self.agent.password(instance, parameter, now)
        if password is None:
            return "QueryParameterStoreFailed"
        if not instance.guest.password_matches(target.username, password):
            return "UserOrPasswordInvalid"
        return ""

    # ---- validation shared by RunCommand / CreateCommand / InvokeCommand --------------------

    @staticmethod
    def _script_type(call: Call) -> str:
        kind = call.params.require("Type")
        if kind not in SCRIPT_TYPES:
            raise ApiError(
                "InvalidCmdType.NotFound", "The specified command type does not exist.", 403
            )
        return kind

    @staticmethod
    def _content(call: Call) -> str:
        content = call.params.require("CommandContent")
        encoding = (call.params.text("ContentEncoding") or "PlainText").lower()
        if encoding == "base64":
            if len(content) > MAX_CONTENT_BASE64:
                raise ApiError(
                    "CmdContent.ExceedLimit", "The maximum length of a command is exceeded.", 403
                )
            try:
                return base64.b64decode(content, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise invalid_parameter(
                    "CommandContent", content[:32], "It is not valid Base64 text."
                ) from None
        # An unknown ContentEncoding is treated as PlainText (reference section 1.2).
        if len(base64.b64encode(content.encode("utf-8"))) > MAX_CONTENT_BASE64:
            raise ApiError(
                "CmdContent.ExceedLimit", "The maximum length of a command is exceeded.", 403
            )
        return content

    @staticmethod
    def _check_lengths(call: Call) -> None:
        limits = (
            ("Name", 128, "CmdName.ExceedLimit", "command name"),
            ("Description", 512, "CmdDesc.ExceedLimit", "command description"),
            ("Username", 255, "Username.ExceedLimit", "username"),
            ("WindowsPasswordName", 255, "WindowsPasswordName.ExceedLimit", "WindowsPasswordName"),
        )
        for name, limit, code, what in limits:
            if len(call.params.text(name) or "") > limit:
                raise ApiError(code, f"The length of the {what} exceeds the upper limit.", 403)

    @staticmethod
    def _unsupported(call: Call) -> None:
        """Refuse, by name, what the fake does not model, rather than pretend to do it."""
        mode = call.params.text("RepeatMode", "Once") or "Once"
        if mode not in ("Once", "Period", "NextRebootOnly", "EveryReboot", "DryRun"):
            raise ApiError(
                "InvalidRepeatMode.NotFound", "The specified repeat mode does not exist.", 404
            )
        if mode != "Once":
            raise ApiError(
                "UnsupportedParameter", f"The fake cloud does not model RepeatMode `{mode}`.", 400
            )
        if call.params.flag("EnableParameter"):
            raise ApiError(
                "UnsupportedParameter", "The fake cloud does not model EnableParameter.", 400
            )
        for name in ("ContainerId", "ContainerName", "ResourceTag.1.Key"):
            if call.params.text(name):
                raise ApiError(
                    "UnsupportedParameter", f"The fake cloud does not model {name}.", 400
                )

    def _run_as(self, call: Call, instance: Instance) -> str:
        """The run-as user for one instance: the `Username` sent, else the OS default (A1)."""
        return call.params.text("Username") or instance.guest.default_user

    def _check_os(self, kind: str, instances: Sequence[Instance]) -> None:
        for instance in instances:
            if SCRIPT_TYPES[kind] != instance.os:
                raise ApiError(
                    "InvalidInstance.NotMatch",
                    "The specified instance type does not match the command.",
                    400,
                )

    def _check_windows_password(self, call: Call, instances: Sequence[Instance]) -> None:
        for instance in instances:
            user = self._run_as(call, instance)
            is_default = user.lower() == instance.guest.default_user.lower()
            if (
                instance.os == "windows"
                and not is_default
                and not call.params.text("WindowsPasswordName")
            ):
                raise ApiError(
                    "WindowsPasswordName.Missed",
                    "WindowsPasswordName must be specified when you create a Windows task.",
                    403,
                )

    def _idempotent(self, call: Call, make: Callable[[], Response]) -> Response:
        token = call.params.text("ClientToken")
        if token is None:
            return make()
        if len(token) > 64 or not token.isascii():
            raise ApiError(
                "InvalidClientToken.Malformed", "The specified ClientToken is malformed.", 400
            )
        # The token names one request: the same caller, region and parameters get the first
        # answer again; anything else reusing the token is a mismatch, not a second run.
        request = (call.caller.principal_id, call.region, sorted(call.params.items()))
        key = (call.action, token)
        if key in self._client_tokens:
            first_request, first_answer = self._client_tokens[key]
            if first_request != request:
                raise ApiError(
                    "IdempotentParameterMismatch",
                    "Request uses a client token in a previous request but is not identical to "
                    "that request.",
                    403,
                )
            return first_answer
        answer = make()
        self._client_tokens[key] = (request, answer)
        return answer

    def _invoke(self, call: Call, command: Command, instances: Sequence[Instance]) -> Invocation:
        timeout = call.params.number("Timeout", command.timeout, low=10, high=86400)
        invocation = Invocation(
            invoke_id=self._ids.invocation(),
            region=call.region,
            command=command,
            username=call.params.text("Username") or "",
            created=call.now,
            timeout=timeout,
            password_parameter=call.params.text("WindowsPasswordName") or "",
        )
        for instance in instances:
            user = self._run_as(call, instance)
            known = instance.guest.canonical_user(user)
            target = Target(
                instance=instance,
                username=user,
                start_at=call.now + START_DELAY,
                finish_at=call.now + START_DELAY + RUN_TIME,
            )
            if known is None:
                target.failure = "AccountNotExists"
            else:
                target.username = known if instance.os == "windows" else user
                target.needs_logon = instance.os == "windows" and known != "System"
            invocation.targets.append(target)
        command.invoke_times += 1
        self.invocations[invocation.invoke_id] = invocation
        self._unsettled.add(invocation.invoke_id)
        return invocation

    def _authorize_runs(self, call: Call, instances: Sequence[Instance], command: str) -> None:
        """Once per target instance, on the instance and the command, as that instance's run-as
        user (A1): a run as root anywhere in the list refuses the whole call."""
        for instance in instances:
            context = {RUN_AS_KEY: (self._run_as(call, instance),)}
            call.authorize(self.arn(call.region, "instance", instance.instance_id), context)
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

    # ---- Cloud Assistant ----------------------------------------------------------------------

    @action("RunCommand")
    def run_command(self, call: Call) -> Response:
        kind = self._script_type(call)
        content = self._content(call)
        self._check_lengths(call)
        self._unsupported(call)
        instances = self._targets_of(call)
        self._authorize_runs(call, instances, "*")  # A7: the command does not exist yet
        self._check_os(kind, instances)
        self._check_windows_password(call, instances)
        timeout = call.params.number("Timeout", 60, low=10, high=86400)

        def make() -> Response:
            name = call.params.text("Name") or ""
            kept = call.params.flag("KeepCommand")
            command = self._new_command(call, name, kind, content, timeout, kept=kept)
            invocation = self._invoke(call, command, instances)
            return {"CommandId": command.command_id, "InvokeId": invocation.invoke_id}

        return self._idempotent(call, make)

    @action("CreateCommand")
    def create_command(self, call: Call) -> Response:
        name = call.params.require("Name")
        kind = self._script_type(call)
        content = self._content(call)
        self._check_lengths(call)
        if call.params.flag("EnableParameter"):
            raise ApiError(
                "UnsupportedParameter", "The fake cloud does not model EnableParameter.", 400
            )
        call.authorize(self.arn(call.region, "command", "*"))  # A8: no ecs:CommandRunAs
        timeout = call.params.number("Timeout", 60, low=10, high=86400)

        def make() -> Response:
            command = self._new_command(call, name, kind, content, timeout, kept=True)
            return {"CommandId": command.command_id}

        return self._idempotent(call, make)

    def _command(self, call: Call, *, kept_only: bool = True) -> Command:
        command_id = call.params.require("CommandId")
        command = self.commands.get(command_id)
        if command is None or command.region != call.region or (kept_only and not command.kept):
            raise ApiError("InvalidCmdId.NotFound", "The specified command ID does not exist.", 404)
        return command

    @action("InvokeCommand")
    def invoke_command(self, call: Call) -> Response:
        command = self._command(call)
        self._check_lengths(call)
        self._unsupported(call)
        instances = self._targets_of(call)
        self._authorize_runs(call, instances, command.command_id)  # A9
        self._check_os(command.type, instances)
        self._check_windows_password(call, instances)
        return self._idempotent(
            call, lambda: {"InvokeId": self._invoke(call, command, instances).invoke_id}
        )

    @action("DeleteCommand")
    def delete_command(self, call: Call) -> Response:
        # Authorized before the lookup, so a caller without permission learns nothing of ids.
        call.authorize(self.arn(call.region, "command", call.params.require("CommandId")))  # A8
        command = self._command(call)
        command.kept = False
        return {}

    def _invocation(self, call: Call) -> Invocation:
        invoke_id = call.params.require("InvokeId")
        invocation = self.invocations.get(invoke_id)
        if invocation is None or invocation.region != call.region:
            raise ApiError(
                "InvalidInvokeId.NotFound", "The specified invoke ID does not exist.", 404
            )
        return invocation

    @action("StopInvocation")
    def stop_invocation(self, call: Call) -> Response:
        invocation = self._invocation(call)
        wanted = set(call.params.items_of("InstanceId"))
        targets = [t for t in invocation.targets if not wanted or t.instance.instance_id in wanted]
        for target in targets:  # A8
            call.authorize(self.arn(call.region, "instance", target.instance.instance_id))
        self.settle(call.now)
        for target in targets:
            if target.status(call.now) in ("Pending", "Running"):
                target.stopped_at = call.now
        return {}
