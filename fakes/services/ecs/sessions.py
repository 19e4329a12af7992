"""Session Manager: StartTerminalSession, EndTerminalSession, DescribeTerminalSessions.

A side door: a session is a shell on the instance, and the call carries no `ecs:CommandRunAs`
(reference section 1). On Linux a session with no `Username` runs as `ecs-assist-user`, whom the
agent creates with passwordless sudo (aliyun/aliyun_assist_client
agent/session/shell/shell_linux.go `default_runas_user`, agent/util/process/process_linux.go
`CreateLocalAdminUser`; A40); on Windows the default is System. The WebSocketUrl returned is
not served by the fake: what a session's `CommandLine` does cannot be read back (A43).
A Windows session as another user (`Username` + `PasswordName`) logs on with the password
the agent reads from OOS with the instance role, as a RunCommand with `WindowsPasswordName`
does ([SDK] `_start_terminal_session_request.py`, PasswordName); a failed logon fails the
session's connection with the same ErrorCode (A130).
`ConnectionType` (Internet, the default, or Intranet) chooses the network of that URL (A82);
DescribeTerminalSessions pages with `MaxResults` (at most 100, 10 by default) and `NextToken`
([SDK] `_start_terminal_session_request.py`, `_describe_terminal_sessions_request.py`).
"""

from __future__ import annotations

from fakes.errors import invalid_parameter
from fakes.guest import SESSION_USER
from fakes.services.base import Call, Response, action
from fakes.services.ecs import errors
from fakes.services.ecs.base import EcsBase
from fakes.services.ecs.deliveries import TerminalSession
from fakes.services.ecs.requests import token_page

MAX_COMMAND_LINE = 512
CONNECTION_TYPES = ("Internet", "Intranet")


class SessionActions(EcsBase):
    """Shells on instances, opened through Session Manager."""

    @action("StartTerminalSession")
    def start_terminal_session(self, call: Call) -> Response:
        ids = call.params.items_of("InstanceId")
        if not ids:
            raise errors.missing_instance_id()
        if len(ids) > 1:
            raise errors.too_many_instances()
        command_line = call.params.text("CommandLine") or ""
        if len(command_line) > MAX_COMMAND_LINE:
            raise errors.too_long("InvalidCommandLine.ExceedLimit", "command line")
        connection = call.params.text("ConnectionType") or "Internet"
        if connection not in CONNECTION_TYPES:
            raise invalid_parameter("ConnectionType", connection, "Use Internet or Intranet.")
        (instance,) = self._instances(call, ids, authorize=True)  # A43: no ecs:CommandRunAs
        port = call.params.number("PortNumber", 0, low=0, high=65535) or None
        named = call.params.text("Username")
        other_user = named is not None and named.lower() != "system"
        password_name = call.params.text("PasswordName")
        if instance.os == "windows" and other_user and not password_name:
            raise errors.windows_password_missing()
        failed = ""
        if named is None and instance.os == "linux":
            instance.guest.make_session_user()  # A40
            user = SESSION_USER
        else:
            user = named or instance.guest.default_user
        if instance.os == "windows" and other_user and named is not None:
            # The agent logs on as RunCommand's does with WindowsPasswordName: the password is
            # the OOS encrypted parameter PasswordName, read with the instance role (A5); a
            # failure fails the session, not the call (A130).
            known = instance.guest.canonical_user(named)
            user = known or named
            failed = (
                self._logon(instance, known, password_name or "", call.now)
                if known
                else "AccountNotExists"
            )
        session = TerminalSession(
            session_id=f"s-{self._ids.invocation()[2:]}",
            region=call.region,
            instance=instance,
            username=user,
            command_line=command_line,
            port_number=port,
            target_server=call.params.text("TargetServer") or "",
            principal_id=call.caller.principal_id,
            started=call.now,
            failed_detail=failed,
        )
        self.sessions[session.session_id] = session
        if command_line and not failed and instance.guest.canonical_user(user) is not None:
            instance.guest.remember(user, command_line)
        # A82: the Intranet URL's host is NOT FOUND; the fake serves neither.
        vpc = "-vpc" if connection == "Intranet" else ""
        host = f"wss://cn-{call.region}{vpc}.axt.aliyun.com"
        return {
            "SessionId": session.session_id,
            "SecurityToken": self._ids.access_key_secret(),
            "WebSocketUrl": f"{host}/session?sessionId={session.session_id}",
        }

    def _session(self, call: Call) -> TerminalSession:
        found = self.sessions.get(call.params.require("SessionId"))
        if found is None or found.region != call.region:
            raise errors.session_not_found()
        return found

    @action("EndTerminalSession")
    def end_terminal_session(self, call: Call) -> Response:
        session = self._session(call)
        call.authorize(self.arn(call.region, "instance", session.instance.instance_id))
        if session.ended is None:
            session.ended = call.now
        return {}

    @action("DescribeTerminalSessions")
    def describe_terminal_sessions(self, call: Call) -> Response:
        instance_id = call.params.text("InstanceId")
        call.authorize(self.arn(call.region, "instance", instance_id or "*"))  # A11
        wanted = call.params.text("SessionId")
        chosen = [
            s.view()
            for s in reversed(self.sessions.values())
            if s.region == call.region
            and wanted in (None, s.session_id)
            and instance_id in (None, s.instance.instance_id)
        ]
        page, _, token = token_page(call, chosen, default=10, high=100)
        return {"Sessions": {"Session": page}, "NextToken": token}
