"""The state of one scenario, shared by its steps: the backend, the principals the spec has
named, the instances, and the last outcome. Steps read and write it; they never talk HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.accounts import RamProvisioner
from harness.api import Gateway, Refusal
from harness.backends import Backend
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
    instances: dict[str, str] = field(default_factory=dict)  # "Linux" -> instance id
    baseline: dict[str, set[str]] = field(default_factory=dict)  # instance id -> invoke ids
    saved_commands: dict[str, str] = field(default_factory=dict)  # name -> command id
    passwords: dict[str, str] = field(default_factory=dict, repr=False)  # Windows logons
    outcome: Started | Refusal | None = None
    listed_instances: list[str] | None = None

    @property
    def gateway(self) -> Gateway:
        return Gateway(self.evidence)

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
        principal = self.principal(name)
        return CommandRunner(
            principal.name,
            ecs_client(principal, self.settings.region, self.backend.endpoint),
            self.gateway,
            self.settings.region,
            self.backend.sleep,
        )

    def provisioner(self) -> RamProvisioner:
        admin = self.backend.administrator
        return RamProvisioner(
            admin.name,
            ram_client(admin, self.settings.region, self.backend.endpoint),
            self.gateway,
            self.ledger,
            self.settings.policies,
            ecs_client=lambda: ecs_client(admin, self.settings.region, self.backend.endpoint),
            oos_client=lambda region: oos_client(admin, region, self.backend.endpoint),
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
        """Who checks what ran: the administrator, who sees every invocation."""
        return self.runner("the administrator")

    def remember_invocations(self, instance_id: str) -> None:
        self.baseline[instance_id] = self.observer().invocations_on(instance_id)
