"""One scenario, as its steps share it: the scene (what the spec named, as the cloud knows it)
and the outcome (what happened). The world is also the one place where runners and provisioners
are built, from the data the backend handed over; steps read and write it, never HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import pytest

from harness.backends.base import Account, Backend
from harness.cloud_assistant import CommandRunner, EcsCaller, InstanceResult
from harness.config.settings import Settings
from harness.errors import HarnessError, SpecViolation
from harness.escalation import SelfEscalation
from harness.provisioning.cleanup import Remover
from harness.provisioning.grants import GrantProvisioner
from harness.provisioning.ledger import CleanupLedger
from harness.provisioning.provision import Provisioner, RamProvisioner
from harness.provisioning.verify import SetupVerifier
from harness.provisioning.workshop import Workshop
from harness.sdk.clients import Clients, Principal, ecs_client
from harness.sdk.evidence import Evidence
from harness.sdk.gateway import Gateway, Refusal
from harness.side_doors import Accepted, SideDoors

ADMINISTRATOR_NAMES = ("the administrator", "administrator")


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
class Scene:
    """What the spec has named so far, as the cloud knows it."""

    principals: dict[str, Principal] = field(default_factory=dict)
    #: The policy labels the spec attached to each principal (the proof steps, the run-as matrix).
    attached: dict[str, tuple[str, ...]] = field(default_factory=dict)
    instances: dict[str, str] = field(default_factory=dict)  # "Linux" -> instance id
    #: Logon passwords of Windows users the backend created (the fake's); never shown.
    passwords: dict[str, str] = field(default_factory=dict, repr=False)
    saved_commands: dict[str, str] = field(default_factory=dict)  # name -> command id
    #: The invocations each instance had before the scenario acted (instance id -> invoke ids).
    baseline: dict[str, set[str]] = field(default_factory=dict)
    #: Parts of the setup a Given has established or checked ("parameter", "role").
    established: set[str] = field(default_factory=set)
    #: Periodic or reboot tasks the spec has set up, by what it calls them -> InvokeId.
    tasks: dict[str, str] = field(default_factory=dict)
    #: SSH key pairs the spec has imported, by name -> their public key line.
    key_pairs: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    """What happened when the scenario acted."""

    last: Started | Accepted | Refusal | None = None
    by_user: dict[str, Started | Refusal] = field(default_factory=dict)  # run-as user -> outcome
    listed_instances: list[str] | None = None
    #: What the scenario rests on but the harness could not check (verify mode), in words.
    assumed: list[str] = field(default_factory=list)
    #: Every outcome recorded, in order (the report's run-as matrix reads them all).
    history: list[Started | Refusal] = field(default_factory=list)
    #: What the cloud let through that the spec expects refused (the report's EXPOSED).
    exposed: list[str] = field(default_factory=list)

    def assume(self, what: str) -> None:
        """Record that the scenario rests on `what`, unchecked: it is reported, never passed."""
        if what not in self.assumed:
            self.assumed.append(what)

    def expose(self, what: str) -> SpecViolation:
        """Record that the account let through `what`, which the spec expects refused; the
        violation to raise."""
        self.exposed.append(what)
        return SpecViolation(f"the account is exposed: {what}")


class World:
    """A started backend's account, one scene, one outcome, and their evidence."""

    def __init__(
        self,
        settings: Settings,
        backend: Backend,
        account: Account,
        ledger: CleanupLedger | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.account = account
        self.scene = Scene()
        self.outcome = Outcome()
        self.evidence = Evidence()
        self.gateway = Gateway(self.evidence, account.retry)
        self.ledger = ledger if ledger is not None else CleanupLedger()
        self.ledger.remove = Remover(self.gateway, self.clients)

    # ---- who ------------------------------------------------------------------------------

    def principal(self, name: str) -> Principal:
        if name in ADMINISTRATOR_NAMES:
            return self.administrator
        try:
            return self.scene.principals[name]
        except KeyError:
            raise HarnessError(
                f"the spec has not introduced `{name}` yet: add a Given step that creates it"
            ) from None

    @property
    def administrator(self) -> Principal:
        admin = self.account.administrator
        if admin is None:
            pytest.skip(
                "verify mode: the scenario needs the administrator, whose credentials are not "
                "given (provision mode: set RUNAS_ADMIN_ACCESS_KEY_ID and "
                "RUNAS_ADMIN_ACCESS_KEY_SECRET, or --admin-profile)"
            )
        return admin

    def clients(self, owner: str) -> Clients:
        """The SDK clients of whoever owns a resource, to remove it."""
        return self.workshop.clients(self.principal(owner))

    # ---- what runs commands, and what makes the setup -------------------------------------

    def runner(self, name: str) -> CommandRunner:
        return self.runner_for(self.principal(name))

    def runner_for(self, principal: Principal) -> CommandRunner:
        return CommandRunner(
            self._ecs(principal), names=self.account.names, progress=self.account.progress
        )

    def side_doors(self, name: str) -> SideDoors:
        """The calls that act on an instance without `ecs:CommandRunAs`, as `name` makes them."""
        return SideDoors(self._ecs(self.principal(name)))

    def _ecs(self, principal: Principal) -> EcsCaller:
        """`principal`'s ECS in the run's region, through the gateway, with the run's ledger."""
        account, region = self.account, self.settings.region
        return EcsCaller(
            principal.name,
            ecs_client(principal, region, account.endpoint),
            self.gateway,
            region,
            account.sleep,
            ledger=self.ledger,
            first_delay=account.first_delay,
        )

    def changes_instance(self, what: str) -> None:
        """Skip a scenario that changes who is root on the instance (a sudoers file, the root
        password, a restart) unless the instance is a fake's: the fake backends, a replay, or
        a stand-in named with --endpoint. An account's real instance is never changed."""
        if not self.account.disposable:
            pytest.skip(
                f"the scenario {what}, which would change who is root on the account's own "
                "instance: it runs against the fake cloud (or a stand-in given with --endpoint)"
            )

    def observer(self) -> CommandRunner:
        """Who checks what ran: the administrator, who sees every invocation (in verify mode,
        commandUser, who may see them if it has AliyunECSReadOnlyAccess)."""
        return self.runner_for(self.account.observer)

    @cached_property
    def workshop(self) -> Workshop:
        """What every provisioner of the scenario is built from: one way, for all of them."""
        account, settings = self.account, self.settings
        return Workshop(
            self.gateway,
            self.ledger,
            settings.library,
            account.names,
            settings.region,
            account.endpoint,
        )

    @cached_property
    def provisioner(self) -> Provisioner:
        """What the Given steps create things with, or check them with (verify mode)."""
        account, settings, workshop = self.account, self.settings, self.workshop
        if account.administrator is None:
            if account.command_user is None:
                raise AssertionError("verify mode always has commandUser's credentials")
            return SetupVerifier(
                settings,
                account.command_user,
                workshop.endpoint,
                workshop.gateway,
                runner=self.observer,
                assume=self.outcome.assume,
                established=self.scene.established,
            )
        live = account.backend != "fake"
        return RamProvisioner(
            account.administrator,
            workshop,
            runner=self.observer,
            passwords=self.scene.passwords,
            account_parameter=settings.windows_password_parameter if live else None,
        )

    @cached_property
    def grants(self) -> GrantProvisioner:
        """What makes groups, scoped attachments and control policies (nothing, in verify mode)."""
        account = self.account
        return GrantProvisioner(account.administrator, self.workshop, disposable=account.disposable)

    def escalation(self, name: str) -> SelfEscalation:
        """`name`'s own RAM calls, widening its rights (the self-escalation scenarios)."""
        w = self.workshop
        return SelfEscalation(
            self.principal(name),
            w.gateway,
            w.ledger,
            w.policies,
            names=w.names,
            region=w.region,
            endpoint=w.endpoint,
        )

    def cloud_name(self, name: str) -> str:
        """What the spec calls `name` is called in the cloud (prefixed in a real account)."""
        return self.account.names.created(name)

    # ---- the scene ------------------------------------------------------------------------

    def add_instance(
        self, label: str, users: list[str], containers: Mapping[str, str] | None = None
    ) -> str:
        """The backend's instance for `label` (running `containers`, name -> default user),
        checked, and what ran on it so far."""
        offer = self.backend.instance(label, users, containers)
        self.provisioner.instance(label, offer.instance_id, offer.existing)
        self.scene.instances[label] = offer.instance_id
        self.scene.passwords.update(offer.passwords)
        self._remember_invocations(offer.instance_id)
        return offer.instance_id

    def instance(self, label: str) -> str:
        try:
            return self.scene.instances[label]
        except KeyError:
            raise HarnessError(
                f"the spec has not introduced a {label} instance: add "
                f'`Given a {label} instance with the regular users "user01" and "user02"`'
            ) from None

    def _remember_invocations(self, instance_id: str) -> None:
        try:
            self.scene.baseline[instance_id] = self.observer().invocations_on(instance_id)
        except Refusal as refusal:
            if not self.account.verifies:
                raise
            self.outcome.assume(
                f"nothing runs on `{instance_id}` when a request is refused: "
                f"{self.account.observer.name} may not list its invocations ({refusal.code})"
            )

    def record(self, outcome: Started | Accepted | Refusal, user: str | None = None) -> None:
        """What a request to run came to; with `user`, also kept per run-as user."""
        self.outcome.last = outcome
        if isinstance(outcome, Accepted):
            return  # a side door's answer: not a run-as attempt of the matrix
        self.outcome.history.append(outcome)
        if user is not None:
            self.outcome.by_user[user] = outcome
