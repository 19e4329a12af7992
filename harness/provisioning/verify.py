"""Verify mode: the spec runs against the account's setup as it is, with commandUser's
credentials only. Each Given that would create something instead checks it where commandUser may
read it; what commandUser may not read is recorded as assumed (reported, never passed); and a
scenario that needs a setup other than the account's (another policy, a broken Windows setup) is
skipped with the reason, since checking it would mean changing the account.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NoReturn, TypeVar

import pytest
from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_oos20190601 import models as oos

from harness.cloud_assistant import CommandRunner
from harness.config.policies import PolicyLibrary
from harness.config.settings import Settings
from harness.errors import HarnessError
from harness.provisioning.effective import read as read_effective
from harness.provisioning.effective_check import check_effective
from harness.provisioning.instances import check_instance
from harness.sdk.clients import Clients, Endpoint, Principal, sts_client
from harness.sdk.gateway import Gateway, Refusal

T = TypeVar("T")
#: The policy the guide gives the instance role; a scenario naming another one breaks the setup.
GUIDE_ROLE_POLICY = "AxtSecretRamRolePolicy"
#: System policies that grant ECS actions (the rest, e.g. AliyunOOSReadOnlyAccess, do not).
_ECS_SYSTEM = ("AliyunECS", "AdministratorAccess", "ReadOnlyAccess")


def ecs_relevant(labels: Iterable[str], library: PolicyLibrary) -> frozenset[str]:
    """The policies among `labels` that grant or deny any `ecs:` action: only they decide what
    the spec's scenarios observe, so only they must match the account's."""
    chosen = set()
    for label in labels:
        ref = library.resolve(label)
        if ref.type == "System":
            if label.startswith(_ECS_SYSTEM):
                chosen.add(label)
            continue
        document = json.loads(ref.document or "{}")
        for statement in document.get("Statement", []):
            actions = statement.get("Action", [])
            actions = [actions] if isinstance(actions, str) else actions
            if any(a == "*" or str(a).lower().startswith("ecs:") for a in actions):
                chosen.add(label)
    return frozenset(chosen)


def _skip(reason: str) -> NoReturn:
    pytest.skip(f"verify mode: {reason}")


class SetupVerifier:
    """The verify-mode stand-in for `RamProvisioner`: same questions, checked not created.
    What commandUser may not read goes to `assume` (reported, never passed); each part of the
    Windows setup it establishes goes into `established`."""

    def __init__(
        self,
        settings: Settings,
        command_user: Principal,
        endpoint: Endpoint | None,
        gateway: Gateway,
        *,
        runner: Callable[[], CommandRunner],
        assume: Callable[[str], None],
        established: set[str],
    ) -> None:
        self._settings = settings
        self._user = command_user
        self._endpoint = endpoint
        self._gateway = gateway
        self._runner = runner
        self._assume = assume
        self._established = established
        self._clients = Clients.of(command_user, settings.region, endpoint)

    def _call(self, method: Callable[..., T], request: Any = None) -> T:
        return self._gateway.call(self._user.name, method, request)

    def instance(self, label: str, instance_id: str, existing: bool) -> None:
        check_instance(
            self._runner(), label, instance_id, self._settings.region, on_refused=self._assume
        )

    def create_user(self, name: str, policy_labels: Sequence[str]) -> Principal:
        settings = self._settings
        if name != "commandUser":
            _skip(f"the scenario needs the RAM user `{name}`; only commandUser's keys are given")
        wanted = ecs_relevant(policy_labels, settings.library)
        declared = ecs_relevant(settings.command_user_policies, settings.library)
        if wanted != declared:
            _skip(
                f"the scenario needs commandUser with {_listed(wanted)}; this account's has "
                f"{_listed(declared)} (--command-user-policies)"
            )
        principal = Principal(name, self._user.key, self._user.credential)
        user = self._identity(principal)
        self._check_policies(user, policy_labels)
        return principal

    def _identity(self, principal: Principal) -> str:
        """commandUser's RAM user name, from GetCallerIdentity (which needs no permission)."""
        sts = sts_client(principal, self._settings.region, self._endpoint)
        try:
            answer = self._call(sts.get_caller_identity)
        except Refusal as refusal:
            raise HarnessError(f"commandUser's credentials are not accepted: {refusal}") from None
        arn = str(answer.body.arn or "")
        if arn.endswith(":root"):
            raise HarnessError(
                "commandUser's credentials are the account owner's, who bypasses RAM: give the "
                "AccessKey of the RAM user the guide restricts"
            )
        return arn.rsplit("/", 1)[-1]

    def _check_policies(self, user: str, labels: Sequence[str]) -> None:
        try:
            effective = read_effective(self._clients, user, self._call)
        except Refusal as refusal:
            self._assume(
                f"commandUser has the policies {_listed(labels)}, as --command-user-policies "
                f"declares: it may not read its own policies ({refusal.code})"
            )
            return
        library = self._settings.library
        check_effective(
            effective,
            user,
            labels,
            library,
            self._assume,
            lambda names: ecs_relevant(names, library),
        )

    def password_parameter(self, name: str, user: str, region: str, *, wrong: bool) -> None:
        settings = self._settings
        if region != settings.region:
            _skip(f"the scenario needs the password parameter in {region}, not the instance's")
        if wrong:
            _skip(f"the scenario needs a wrong password for `{user}` in the parameter")
        actual = settings.windows_password_parameter
        client = self._clients.oos(region)
        request = oos.GetSecretParameterRequest(region_id=region, name=actual)
        try:
            self._call(client.get_secret_parameter, request)
        except Refusal as refusal:
            if refusal.code.startswith("EntityNotExist"):
                raise HarnessError(
                    f"the encrypted parameter `{actual}` is not in {region}: create it as the "
                    "guide says, or name yours with --windows-password-parameter"
                ) from None
            self._assume(
                f"the encrypted parameter `{actual}` exists in {region}: commandUser may not "
                f"read it ({refusal.code})"
            )
        self._assume(
            f"the encrypted parameter `{actual}` holds the current logon password of `{user}`"
        )
        self._established.add("parameter")

    def instance_role(self, role: str, policy_label: str, instance_id: str, region: str) -> None:
        if policy_label != GUIDE_ROLE_POLICY:
            _skip(f"the scenario needs the instance role to have `{policy_label}`")
        client = self._clients.ecs(region)
        request = ecs.DescribeInstanceRamRoleRequest(
            region_id=region, instance_ids=json.dumps([instance_id])
        )
        try:
            answer = self._call(client.describe_instance_ram_role, request)
        except Refusal as refusal:
            self._assume(
                f"the instance `{instance_id}` holds a RAM role like `{role}`: commandUser may "
                f"not describe it ({refusal.code})"
            )
        else:
            held = answer.body.instance_ram_role_sets.instance_ram_role_set or []
            if not held:
                raise HarnessError(
                    f"the Windows instance `{instance_id}` has no RAM role: attach `{role}` as "
                    "the guide says"
                )
            role = str(held[0].ram_role_name)
        self._assume(
            f"the instance role `{role}` allows oos:GetSecretParameter and kms:GetSecretValue, "
            f"as `{policy_label}` does"
        )
        self._established.add("role")

    def role(self, role: str, policy_labels: Sequence[str]) -> str:
        _skip(f"the scenario needs the administrator to create the RAM role `{role}`")


def check_applicable(instances: Iterable[str], established: set[str]) -> None:
    """Before the first action: a Windows scenario that leaves out the parameter or the role
    needs an account without them, which verify mode does not make."""
    if "Windows" not in instances:
        return
    missing = [part for part in ("parameter", "role") if part not in established]
    if missing:
        what = " and the ".join(
            {"parameter": "password parameter", "role": "instance role"}[m] for m in missing
        )
        _skip(f"the scenario needs the Windows setup without the {what}")


def _listed(names: Iterable[str]) -> str:
    shown = [f"`{n}`" for n in sorted(names)]
    return ", ".join(shown) if shown else "no ECS policy"
