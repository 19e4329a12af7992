"""STS (2015-04-01): AssumeRole and GetCallerIdentity, and the temporary credentials they make.

A session's AccessKey authenticates only with its SecurityToken and only until it expires on the
fake's clock; its permissions are the role's policies, narrowed by the session policy when one
was given. Reference section 6.3.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fakes.clock import iso
from fakes.errors import ApiError
from fakes.ids import IdFactory
from fakes.policy import CompiledPolicy, PolicyError, compile_policy
from fakes.services.base import Call, Response, Service, action
from fakes.services.ram import RamService
from fakes.services.ram.state import Role

_ROLE_ARN = re.compile(r"^acs:ram::(\d+):role/([A-Za-z0-9.-]+)$")
_SESSION_NAME = re.compile(r"^[A-Za-z0-9.@_-]{2,64}$")
#: "The value must be 1 to 2,048 characters in length" (the STS SDK's AssumeRoleRequest.policy).
MAX_SESSION_POLICY = 2048


@dataclass(frozen=True)
class Session:
    """The temporary credentials of one assumed-role session."""

    access_key_id: str
    secret: str = field(repr=False)
    token: str = field(repr=False)
    role: str
    role_id: str
    name: str
    expires: datetime
    policy: CompiledPolicy | None = field(default=None, repr=False)

    def snapshot(self) -> dict[str, object]:
        """The session without its secret or its token."""
        return {
            "AccessKeyId": self.access_key_id,
            "RoleName": self.role,
            "RoleSessionName": self.name,
            "Expiration": iso(self.expires),
        }


def _invalid(what: str, message: str) -> ApiError:
    return ApiError(f"InvalidParameter.{what}", message, 400)


def _role_not_found() -> ApiError:
    return ApiError("EntityNotExist.Role", "The specified Role not exists.", 404)


class StsService(Service):
    product = "sts"

    def __init__(self, account_id: str, ids: IdFactory, ram: RamService) -> None:
        self.account_id = account_id
        self._ids = ids
        self._ram = ram
        self.sessions: dict[str, Session] = {}

    def issue(
        self,
        role: Role,
        session_name: str,
        now: datetime,
        seconds: int = 3600,
        policy: CompiledPolicy | None = None,
    ) -> Session:
        """Temporary credentials for a role: what AssumeRole returns, and what an instance's
        metadata service hands the Cloud Assistant agent for the instance's RAM role."""
        session = Session(
            access_key_id="STS." + self._ids.access_key_id()[4:],
            secret=self._ids.access_key_secret(),
            token="CAIS" + secrets.token_urlsafe(96),
            role=role.name,
            role_id=role.role_id,
            name=session_name,
            expires=now + timedelta(seconds=seconds),
            policy=policy,
        )
        self.sessions[session.access_key_id] = session
        return session

    def _role_of(self, call: Call) -> Role:
        arn = call.params.require("RoleArn")
        match = _ROLE_ARN.match(arn)
        if match is None:
            raise _invalid("RoleArn", f"The parameter RoleArn `{arn[:80]}` is wrongly formed.")
        role = self._ram.role(match.group(2), ignore_case=True)
        if match.group(1) != self.account_id or role is None:
            raise _role_not_found()
        return role

    def snapshot(self, now: datetime) -> dict[str, Any]:
        """The sessions issued, expired ones too, without their secrets or tokens."""
        return {"Sessions": [s.snapshot() for s in self.sessions.values()]}

    @action("AssumeRole")
    def assume_role(self, call: Call) -> Response:
        session_name = call.params.require("RoleSessionName")
        if not _SESSION_NAME.match(session_name):
            raise _invalid(
                "RoleSessionName",
                "The parameter RoleSessionName must be 2 to 64 letters, digits or `.@_-`.",
            )
        role = self._role_of(call)
        seconds = call.params.number("DurationSeconds", 3600, low=900, high=role.max_session)
        policy: CompiledPolicy | None = None
        raw_policy = call.params.text("Policy")
        if raw_policy is not None:
            if len(raw_policy) > MAX_SESSION_POLICY:
                raise _invalid(
                    "PolicySize", f"The parameter Policy exceeds {MAX_SESSION_POLICY} characters."
                )
            try:
                policy = compile_policy(raw_policy)
            except PolicyError as e:
                raise _invalid(
                    "PolicyGrammar", f"The parameter Policy is malformed: {e}."
                ) from None
        call.authorize(role.arn)
        if not role.trust.trusts_ram(call.caller.arn(self.account_id), self.account_id):
            raise ApiError(
                "NoPermission",
                "You are not authorized to do this action. You should be authorized by RAM.",
                403,
            )
        session = self.issue(role, session_name, call.now, seconds, policy)
        return {
            "Credentials": {
                "AccessKeyId": session.access_key_id,
                "AccessKeySecret": session.secret,
                "SecurityToken": session.token,
                "Expiration": iso(session.expires),
            },
            "AssumedRoleUser": {
                "Arn": f"{role.arn}/{session_name}",
                "AssumedRoleId": f"{role.role_id}:{session_name}",
            },
        }

    @action("GetCallerIdentity")
    def get_caller_identity(self, call: Call) -> Response:
        call.needs_no_authorization()
        caller = call.caller
        identity: Response = {
            "AccountId": self.account_id,
            "Arn": caller.arn(self.account_id),
            "IdentityType": {
                "Account": "Account",
                "SubUser": "RAMUser",
                "AssumedRoleUser": "AssumedRoleUser",
            }[caller.kind],
            "PrincipalId": caller.principal_id,
        }
        if caller.kind == "SubUser":
            identity["UserId"] = caller.principal_id
        if caller.kind == "AssumedRoleUser":
            identity["RoleId"] = caller.principal_id.split(":")[0]
        return identity
