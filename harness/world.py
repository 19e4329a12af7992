"""The state of one scenario, shared by its steps: the backend, the principals the spec has
named, the instances, and the last outcome. Steps read and write it; they never talk HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.accounts import Provisioner, RamProvisioner
from harness.api import Gateway, Refusal
from harness.backends import Backend
from harness.cleanup import Clients
from harness.clients import Principal, ecs_client, oos_client, ram_client
from harness.commands import CommandRunner, InstanceResult
from harness.errors import HarnessError
from harness.evidence import Evidence
from harness.ledger import CleanupLedger
from harness.settings import Settings


@dataclass
class Started:
    """A command the cloud accepted: which invocation, on which instance, as whom."""

    runner: CommandRunner
    invoke_id: str
    instance_id: str
    username: str | None
    result: InstanceResult | None = None

    def final(self) -> InstanceResult:
        if self.result is None:
            self.result = self.runner.wait(self.invoke_id, self.instance_id)
        return self.result


@dataclass
class World:
    settings: Settings
    backend: Backend
    evidence: Evidence = field(default_factory=Evidence)
    ledger: CleanupLedger = field(default_factory=CleanupLedger)
    principals: dict[str, Principal] = field(default_factory=dict)
    #: The policy labels the spec attached to each principal, for the proof steps.
    attached: dict[str, tuple[str, ...]] = field(default_factory=dict)
    instances: dict[str, str] = field(default_factory=dict)  # "Linux" -> instance id
    baseline: dict[str, set[str]] = field(default_factory=dict)  # instance id -> invoke ids
    saved_commands: dict[str, str] = field(default_factory=dict)  # name -> command id
    passwords: dict[str, str] = field(default_factory=dict, repr=False)  # Windows logons
    outcome: Started | Refusal | None = None
    outcomes: dict[str, Started | Refusal] = field(default_factory=dict)  # run-as user -> outcome
    listed_instances: list[str] | None = None
    #: What the scenario rests on but the harness could not check (verify mode), in words.
    assumed: list[str] = field(default_factory=list)
    #: Parts of the setup a Given has established or checked ("parameter", "role").
    setup: set[str] = field(default_factory=set)
    _gateway: Gateway | None = field(default=None, repr=False)

    @property
    def gateway(self) -> Gateway:
        if self._gateway is None:
            self._gateway = Gateway(self.evidence, self.backend.retry())
        return self._gateway

    def assume(self, what: str) -> None:
        """Record that the scenario rests on `what`, unchecked: it is reported, never passed."""
        if what not in self.assumed:
            self.assumed.append(what)

    def principal(self, name: str) -> Principal:
        if name in ("the administrator", "administrator"):
            return self.backend.administrator
        try:
            return self.principals[name]
        except KeyError:
            raise HarnessError(
                f"the spec has not introduced `{name}` yet: add a Given step that creates it"
            ) from None

    def runner(self, name: str) -> CommandRunner:
        return self.runner_for(self.principal(name))

    def runner_for(self, principal: Principal) -> CommandRunner:
        return CommandRunner(
            principal.name,
            ecs_client(principal, self.settings.region, self.backend.endpoint),
            self.gateway,
            self.settings.region,
            self.backend.sleep,
            names=self.backend.names,
            ledger=self.ledger,
            progress=self.backend.progress,
            first_delay=self.settings.poll_interval,
        )

    def clients(self, owner: str) -> Clients:
        """The SDK clients of whoever owns a resource, to remove it."""
        principal = self.principal(owner)
        endpoint = self.backend.endpoint
        return Clients(
            principal.name,
            ram_client(principal, self.settings.region, endpoint),
            ecs=lambda region: ecs_client(principal, region, endpoint),
            oos=lambda region: oos_client(principal, region, endpoint),
        )

    def provisioner(self) -> Provisioner:
        """What the Given steps create things with, or check them with (verify mode)."""
        return self.backend.provisioner(self)

    def ram_provisioner(self) -> RamProvisioner:
        admin = self.backend.administrator
        endpoint = self.backend.endpoint
        return RamProvisioner(
            admin.name,
            ram_client(admin, self.settings.region, endpoint),
            self.gateway,
            self.ledger,
            self.settings.policies,
            ecs_client=lambda: ecs_client(admin, self.settings.region, endpoint),
            oos_client=lambda region: oos_client(admin, region, endpoint),
            names=self.backend.names,
        )

    def instance(self, label: str) -> str:
        try:
            return self.instances[label]
        except KeyError:
            raise HarnessError(
                f"the spec has not introduced a {label} instance: add "
                f'`Given a {label} instance with the regular users "user01" and "user02"`'
            ) from None

    def observer(self) -> CommandRunner:
        """Who checks what ran: the administrator, who sees every invocation (in verify mode,
        commandUser, who may see them if it has AliyunECSReadOnlyAccess)."""
        return self.runner_for(self.backend.observer)

    def remember_invocations(self, instance_id: str) -> None:
        observer = self.observer()
        try:
            self.baseline[instance_id] = observer.invocations_on(instance_id)
        except Refusal as refusal:
            if not self.backend.verifies:
                raise
            self.assume(
                f"nothing runs on `{instance_id}` when a request is refused: "
                f"{self.backend.observer.name} may not list its invocations ({refusal.code})"
            )
