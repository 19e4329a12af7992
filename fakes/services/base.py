"""What every service shares: the call it is handed, the caller, and the action registry.

A service is a class whose methods are marked with `@action("Name")`; each takes a `Call` and
returns the response fields as a dict (the envelope adds `RequestId`). A method authorizes the
caller with `call.authorize(...)` once it knows the resources, before it changes any state.
Every service has one shape: its state (the resources it holds), its errors, its actions; ECS
and RAM, too large for one module, are packages whose resource modules share one base class
that owns the state. `snapshot()` is each service's part of `FakeCloud.snapshot()`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol, TypeVar

from fakes.errors import ApiError, unknown_action
from fakes.policy import CompiledPolicy
from fakes.wire.rpc import Params

ConditionContext = Mapping[str, tuple[str, ...]]
Response = dict[str, Any]


@dataclass(frozen=True)
class Principal:
    """Who signed the request: the account owner, a RAM user, or a session of an assumed role."""

    kind: str  # "Account" | "SubUser" | "AssumedRoleUser"
    name: str  # "root", the RAM user name, or the role name
    principal_id: str  # user id, or "<role id>:<session name>"
    access_key_id: str
    session: str = ""  # the role session name, for an assumed role
    session_policy: CompiledPolicy | None = field(default=None, compare=False, repr=False)

    @property
    def is_account_owner(self) -> bool:
        return self.kind == "Account"

    def arn(self, account_id: str) -> str:
        """The principal's ARN, as trust policies and GetCallerIdentity name it."""
        if self.kind == "Account":
            return f"acs:ram::{account_id}:root"
        if self.kind == "SubUser":
            return f"acs:ram::{account_id}:user/{self.name}"
        return f"acs:ram::{account_id}:assumed-role/{self.name}/{self.session}"


class Authorizer(Protocol):
    """Decides whether a principal may do an action on a resource; raises the service's denial."""

    def check(
        self, principal: Principal, action: str, resource: str, context: ConditionContext
    ) -> None: ...


@dataclass(slots=True)
class Call:
    """One request as a service sees it: the action, its parameters, its caller, the time."""

    product: str
    action: str
    params: Params
    region: str
    caller: Principal
    now: datetime
    authorizer: Authorizer
    global_context: ConditionContext
    authorized: bool = field(default=False)

    def authorize(
        self,
        resource: str,
        context: ConditionContext | None = None,
        *,
        action: str | None = None,
    ) -> None:
        """Refuse the call (by raising) unless the caller's policies allow it on `resource`."""
        # Read-only: the global keys as they are when the action brings none of its own.
        merged = {**self.global_context, **context} if context else self.global_context
        self.authorizer.check(
            self.caller, action or f"{self.product}:{self.action}", resource, merged
        )
        self.authorized = True

    def needs_no_authorization(self) -> None:
        """Declare that this action is open to any authenticated caller (GetCallerIdentity)."""
        self.authorized = True


Handler = Callable[[Any, Call], Response]
F = TypeVar("F", bound=Handler)


def action(name: str) -> Callable[[F], F]:
    """Mark a service method as the handler of the API action `name`."""

    def mark(fn: F) -> F:
        fn.__dict__["api_action"] = name
        return fn

    return mark


class Service(ABC):
    """Base of every fake service: finds its `@action` handlers once, per class."""

    product: ClassVar[str]
    _handlers: ClassVar[dict[str, Handler]]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls._handlers = {
            fn.__dict__["api_action"]: fn
            for klass in reversed(cls.__mro__)  # ECS and RAM gather theirs from resource classes
            for fn in vars(klass).values()
            if callable(fn) and "api_action" in getattr(fn, "__dict__", {})
        }

    @classmethod
    def actions(cls) -> tuple[str, ...]:
        return tuple(sorted(cls._handlers))

    def handle(self, call: Call) -> Response:
        handler = self._handlers.get(call.action)
        if handler is None:
            raise unknown_action(call.action, self.product)
        result = handler(self, call)
        if not call.authorized and not call.caller.is_account_owner:
            # Fail closed: an action that forgot to authorize must not serve a RAM user.
            raise ApiError("InternalError", "The request processing has failed.", 500)
        return result

    @abstractmethod
    def snapshot(self, now: datetime) -> dict[str, Any]:
        """What the service holds, as plain data with no secret in it, without acting on it."""
