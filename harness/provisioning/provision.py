"""Provisioning what a scenario needs through the official SDKs, as an administrator would in
the console: RAM users with their policies and AccessKeys, OOS encrypted parameters, and
instance RAM roles. The ledger hears of each thing before it is created (its kind and exact
name) and again once it exists, so an interrupted create is still found and removed."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from alibabacloud_oos20190601 import models as oos
from alibabacloud_ram20150501 import models as ram

from harness.cloud_assistant import CommandRunner
from harness.config.policies import PolicyRef
from harness.errors import HarnessError
from harness.provisioning.attachments import Attachment
from harness.provisioning.instances import check_instance
from harness.provisioning.ledger import Resource
from harness.provisioning.workshop import Workshop
from harness.sdk.clients import AccessKey, Principal
from harness.sdk.gateway import Refusal
from harness.side_doors import attach_instance_role

T = TypeVar("T")


class Provisioner(Protocol):
    """What the Given steps ask for: made (provision), or checked as it is (verify)."""

    def create_user(self, name: str, policy_labels: Sequence[str]) -> Principal: ...

    def instance(self, label: str, instance_id: str, existing: bool) -> None:
        """Make sure the instance is usable: the account's own is checked (id, region, OS)."""
        ...

    def password_parameter(self, name: str, user: str, region: str, *, wrong: bool) -> None:
        """An encrypted parameter holding `user`'s logon password (or, with `wrong`, a
        password that is not theirs)."""
        ...

    def instance_role(
        self, role: str, policy_label: str, instance_id: str, region: str
    ) -> None: ...

    def role(self, role: str, policy_labels: Sequence[str]) -> str:
        """A RAM role trusted as `<role>.trust.json` says, with these policies, on no
        instance; its name in the cloud."""
        ...


class RamProvisioner:
    """Provision mode, and the fake backends: the administrator makes what the spec names."""

    def __init__(
        self,
        administrator: Principal,
        workshop: Workshop,
        *,
        runner: Callable[[], CommandRunner],
        passwords: Mapping[str, str],
        account_parameter: str | None = None,
    ) -> None:
        self._caller = administrator.name
        self._w = workshop
        self._clients = workshop.clients(administrator)
        self._runner = runner
        self._passwords = passwords
        self._account_parameter = account_parameter

    def _call(self, method: Callable[..., T], request: Any = None) -> T:
        return self._w.gateway.call(self._caller, method, request)

    def _make(self, method: Callable[..., T], request: Any, resource: Resource) -> T:
        """One create call, written ahead to the ledger: if it is interrupted, cleanup still
        knows the name it may have created."""
        return self._w.ledger.create(resource, lambda: self._call(method, request))

    def create_user(self, name: str, policy_labels: Sequence[str]) -> Principal:
        """Create `name` with the policies attached and one AccessKey; return its principal
        (named as the spec names it; its key is fresh, so RAM may need a moment)."""
        refs = [self._w.policies.resolve(label) for label in policy_labels]
        user = self._w.names.created(name)
        iam = self._clients.ram
        self._make(
            iam.create_user,
            ram.CreateUserRequest(user_name=user, display_name=user),
            Resource("user", user),
        )
        for ref in refs:
            self._attach(user, ref, role=False)
        # The key id comes only with the answer: until then the ledger knows the key by its
        # user's name (cleanup lists the user's keys), after, by its id.
        response = self._w.ledger.create(
            Resource("access_keys", user),
            lambda: self._call(iam.create_access_key, ram.CreateAccessKeyRequest(user_name=user)),
            lambda answer: Resource(
                "access_key", str(answer.body.access_key.access_key_id), detail={"UserName": user}
            ),
        )
        key = response.body.access_key
        key_id = str(key.access_key_id)
        self._w.gateway.fresh.add(name)
        return Principal(name, AccessKey(key_id, str(key.access_key_secret)))

    def _policy_name(self, ref: PolicyRef) -> str:
        return ref.ram_name if ref.type == "System" else self._w.names.created(ref.ram_name)

    def _attach(self, holder: str, ref: PolicyRef, *, role: bool) -> None:
        """Attach a policy (created first when it is custom) to a user or a role."""
        name = self._policy_name(ref)
        if ref.type == "Custom":
            self._make(
                self._clients.ram.create_policy,
                ram.CreatePolicyRequest(policy_name=name, policy_document=ref.document),
                Resource("policy", name),
            )
        attachment = Attachment("Role" if role else "User", holder, ref.type, name)
        self._w.ledger.create(
            attachment.resource(),
            lambda: attachment.attach(self._w.gateway, self._caller, self._clients),
        )

    def instance(self, label: str, instance_id: str, existing: bool) -> None:
        if existing:
            check_instance(self._runner(), label, instance_id, self._w.region, on_refused=None)

    # ---- the Windows setup ----------------------------------------------------------------

    def password_parameter(self, name: str, user: str, region: str, *, wrong: bool) -> None:
        """An OOS encrypted parameter with the default service key; the value is never shown."""
        value = self._password(user)
        if wrong:
            value += secrets.token_hex(4)
        client = self._clients.oos(region)
        made = self._w.names.created(name)
        self._make(
            client.create_secret_parameter,
            oos.CreateSecretParameterRequest(region_id=region, name=made, value=value),
            Resource("parameter", made, region=region),
        )

    def _password(self, user: str) -> str:
        """The user's logon password: the one the fake chose, or (provision mode) the one the
        account keeps in its own encrypted parameter, copied without ever being shown."""
        known = self._passwords.get(user)
        if known is not None:
            return known
        name, region = self._account_parameter, self._w.region
        if name is None:
            raise HarnessError(
                f"no logon password is known for `{user}`: add a Given step that creates the user"
            )
        client = self._clients.oos(region)
        request = oos.GetSecretParameterRequest(region_id=region, name=name, with_decryption=True)
        try:
            answer = self._call(client.get_secret_parameter, request)
        except Refusal as refusal:
            raise HarnessError(
                f"provision mode copies the logon password of `{user}` from the encrypted "
                f"parameter `{name}` in {region}, but reading it was refused ({refusal.code}): "
                "create it as the guide says, or name yours with --windows-password-parameter"
            ) from None
        return str(answer.body.parameter.value or "")

    def instance_role(self, role: str, policy_label: str, instance_id: str, region: str) -> None:
        """A RAM role trusted by ECS (`<role>.trust.json`), with one policy, on the instance."""
        self._attach_to_instance(self.role(role, [policy_label]), instance_id, region)

    def role(self, role: str, policy_labels: Sequence[str]) -> str:
        trust = self._w.policies.trust_document(role)
        made = self._w.names.created(role)
        self._make(
            self._clients.ram.create_role,
            ram.CreateRoleRequest(role_name=made, assume_role_policy_document=trust),
            Resource("role", made),
        )
        for label in policy_labels:
            self._attach(made, self._w.policies.resolve(label), role=True)
        return made

    def _attach_to_instance(self, role: str, instance_id: str, region: str) -> None:
        client = self._clients.ecs(region)
        attach_instance_role(self._call, client, self._w.ledger, instance_id, role, region)
