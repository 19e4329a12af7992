"""The run-as request the prover quantifies over, shaped like the fake's own (fakes/services/ecs).

RunCommand is authorized on `instance/<id>` (A7: and on `command/*` only with KeepCommand, which
a caller may leave out, so the prover leaves it out too), InvokeCommand on `instance/<id>` and
`command/<id>` (A9), both with `ecs:CommandRunAs`: the `Username` sent, or the
OS default when none is (A1). Besides it the request carries the global keys every request
carries (`fakes.access.global_context`), each free to take any value, and no other key: a
condition on any other key sees it absent (A2). Region, account and ids range over the shapes the
fake gives them; a name is 1 to 255 characters (a longer one is `Username.ExceedLimit` before any
authorization, an empty one is no name at all).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import z3

from fakes.policy import AuthRequest
from harness.prove import strings
from harness.prove.encode import Carried, Policies, RequestContext, Resource, allowed
from harness.prove.values import Slot

RUN_AS_KEY = "ecs:CommandRunAs"
RUN_AS_ACTIONS = ("ecs:RunCommand", "ecs:InvokeCommand")
#: The keys `fakes.access.global_context` puts on every request.
GLOBAL_KEYS = ("acs:CurrentTime", "acs:SecureTransport", "acs:SourceIp", "acs:MFAPresent")
LONGEST_NAME = 255


def _lower_alnum() -> strings.ReRef:
    return z3.Union(z3.Range("a", "z"), z3.Range("0", "9"))


def _resource_id(prefix: str) -> strings.ReRef:
    """`i-...` or `c-...`, as fakes/ids.py makes them."""
    return z3.Concat(z3.Re(prefix), z3.Plus(_lower_alnum()))


@dataclass
class RunAsRequest:
    """One symbolic RunCommand or InvokeCommand request: every term the solver may choose."""

    action: str
    name_sent: bool = True  # False: the key is absent, as if A1 were false and no name was sent
    name: Slot = field(default_factory=lambda: Slot("name"))
    context_slots: dict[str, Slot] = field(default_factory=dict)
    region: strings.StringRef = field(default_factory=lambda: z3.String("region"))
    account: strings.StringRef = field(default_factory=lambda: z3.String("account"))
    instance_id: strings.StringRef = field(default_factory=lambda: z3.String("instance_id"))
    command_id: strings.StringRef = field(default_factory=lambda: z3.String("command_id"))

    def __post_init__(self) -> None:
        for key in GLOBAL_KEYS:
            self.context_slots.setdefault(key, Slot(key))

    def _arn(self, kind: str, resource_id: strings.StringRef) -> Resource:
        relative = z3.Concat(z3.StringVal(f"{kind}/"), resource_id)
        colon = z3.StringVal(":")
        arn = z3.Concat(z3.StringVal("acs:ecs:"), self.region, colon, self.account, colon, relative)
        return Resource(arn, (z3.StringVal("ecs"), self.region, self.account, relative))

    def resources(self) -> tuple[Resource, ...]:
        if self.action != "ecs:InvokeCommand":
            return (self._arn("instance", self.instance_id),)
        return self._arn("instance", self.instance_id), self._arn("command", self.command_id)

    def context(self) -> RequestContext:
        present = z3.BoolVal(self.name_sent)
        symbolic = {RUN_AS_KEY: Carried(present, (self.name,) if self.name_sent else ())}
        for key, slot in self.context_slots.items():
            symbolic[key] = Carried(z3.BoolVal(True), (slot,))
        return RequestContext(symbolic=symbolic)

    def shape(self) -> list[z3.BoolRef]:
        """What every request of the fake looks like, whatever the policies say."""
        # A bounded loop, not two length bounds: z3's regex solver handles it 10-30x faster.
        one_to_longest = z3.Loop(strings.any_char(), 1, LONGEST_NAME)
        return [
            z3.InRe(self.name.text, one_to_longest),
            z3.InRe(self.region, z3.Plus(z3.Union(_lower_alnum(), z3.Re("-")))),
            z3.InRe(self.account, z3.Plus(z3.Range("0", "9"))),
            z3.InRe(self.instance_id, _resource_id("i-")),
            z3.InRe(self.command_id, _resource_id("c-")),
        ]

    def allowed(self, policies: Policies) -> tuple[z3.BoolRef, list[z3.BoolRef]]:
        """The formula for "the request is allowed on every resource it is authorized on", and
        the links its typed readings need."""
        context = self.context()
        terms = [allowed(policies, self.action, resource, context) for resource in self.resources()]
        links = [link for slot in context.slots() for link in slot.links]
        return z3.And(terms), links


@dataclass(frozen=True)
class ConcreteRequest:
    """A witness in the fake's terms: the calls it authorizes, replayable through `evaluate`."""

    action: str
    name: str | None  # None: no `ecs:CommandRunAs` at all
    context: Mapping[str, tuple[str, ...]]
    region: str
    account: str
    instance_id: str
    command_id: str

    def auth_requests(self) -> tuple[AuthRequest, ...]:
        base = f"acs:ecs:{self.region}:{self.account}:"
        context = dict(self.context)
        if self.name is not None:
            context[RUN_AS_KEY] = (self.name,)
        on_instance = AuthRequest(self.action, f"{base}instance/{self.instance_id}", context)
        if self.action != "ecs:InvokeCommand":
            return (on_instance,)
        return on_instance, AuthRequest(self.action, f"{base}command/{self.command_id}", context)
