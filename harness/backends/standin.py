"""A stand-in account: a fake cloud server (`python -m fakes serve`) set up the way an
administrator's account is set up before a live run, so that live, record and replay can be
exercised without one. Everything is made from outside, as a person would: the instances
through the server's control plane (no API creates an instance with users), the rest through
the official SDKs with the account owner's key. No backend uses it: it serves the project's
own tests of live runs and `python -m harness record-against-fake`.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_oos20190601 import models as oos
from alibabacloud_ram20150501 import models as ram

from harness.backends.fake import control
from harness.config.credentials import ADMIN_KEY_ID, ADMIN_KEY_SECRET
from harness.pycache import private_pycache
from harness.sdk.clients import AccessKey, Endpoint, Principal, ecs_client, oos_client, ram_client

#: The checkout this module sits in: the stand-in is tooling for this project's own tests and
#: recordings, never used by an installed harness.
CHECKOUT = Path(__file__).resolve().parents[2]
POLICIES = CHECKOUT / "features" / "policies"
#: What the administrator needs for provision mode (README, "Permissions").
ADMINISTRATOR_POLICY = {
    "Version": "1",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["ram:*", "ecs:*", "oos:*", "kms:*", "resourcemanager:*"],
            "Resource": "*",
        }
    ],
}
#: The guide's commandUser, allow-list form, Linux and Windows parts.
GUIDE_POLICIES = (
    "commandUserPolicy.allowlist",
    "AliyunECSReadOnlyAccess",
    "AliyunOOSReadOnlyAccess",
    "kmsPolicy",
)


@dataclass
class StandIn:
    """The stand-in account: where it is, its instances, and the keys made on it."""

    url: str
    region: str
    root: AccessKey = field(repr=False)
    linux: str = ""
    windows: str = ""
    run_as_users: tuple[str, ...] = ("user01", "user02", "deploy")
    administrator: AccessKey | None = field(default=None, repr=False)
    command_user: AccessKey | None = field(default=None, repr=False)
    command_user_policies: tuple[str, ...] = ()
    windows_password: str = field(default="", repr=False)

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint.from_url(self.url)

    def settings(self) -> dict[str, str]:
        """The harness settings of a live run on this account, as environment variables."""
        env = {
            "RUNAS_ENDPOINT": self.url,
            "RUNAS_REGION": self.region,
            "RUNAS_LINUX_INSTANCE": self.linux,
            "RUNAS_WINDOWS_INSTANCE": self.windows,
            "RUNAS_RUN_AS_USERS": ",".join(self.run_as_users),
        }
        if self.command_user_policies:
            env["RUNAS_COMMAND_USER_POLICIES"] = ",".join(self.command_user_policies)
        return env

    def credentials(self) -> dict[str, str]:
        """The credentials of a live run, as the chains read them from the environment."""
        env = {}
        if self.administrator is not None:
            env[ADMIN_KEY_ID] = self.administrator.access_key_id
            env[ADMIN_KEY_SECRET] = self.administrator.secret
        if self.command_user is not None:
            env["ALIBABA_CLOUD_ACCESS_KEY_ID"] = self.command_user.access_key_id
            env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = self.command_user.secret
        return env

    def state(self) -> dict[str, Any]:
        """The server's `GET /_fake/state` (no secrets in it)."""
        return control(self.url, "GET", "state")

    def environment(self, home: Path | None = None, **chosen: str) -> dict[str, str]:
        """The environment of a live run here: no outside settings or credentials, this
        account's, and no waiting beyond what the fake's clock needs."""
        return isolated_env(
            home,
            **{
                **self.settings(),
                **self.credentials(),
                "RUNAS_POLL_INTERVAL": "0.01",  # the fake's clock moves per call, not per second
                "RUNAS_RAM_SETTLE": "0",  # the fake's RAM is consistent at once
                **chosen,
            },
        )


def prepare(
    url: str,
    *,
    region: str = "cn-hangzhou",
    administrator: bool = True,
    command_user: Sequence[str] = (),
    policies: Path = POLICIES,
) -> StandIn:
    """The account after the guide's setup on `url`: a Linux instance with user01, user02 and
    deploy, a Windows instance with user01 whose password is in `axtSecretPassword`; with
    `administrator`, a RAM user allowed to provision; with `command_user` policies, the guide's
    commandUser with them and, on the Windows instance, the role `AxtSecretRamRole`."""
    account = control(url, "GET", "account")
    root = AccessKey(account["RootAccessKeyId"], account["RootAccessKeySecret"])
    stand_in = StandIn(url, region, root)
    owner = Principal("the account owner", root)
    endpoint = stand_in.endpoint
    stand_in.linux = control(
        url,
        "POST",
        "instances",
        {
            "os": "linux",
            "region": region,
            "users": list(stand_in.run_as_users),
            "tags": {"env": "prod"},  # a fleet of one for features/fleet
            "containers": {"app": "root"},  # features/paths_to_root/container.feature
        },
    )["InstanceId"]
    stand_in.windows_password = "Pw-" + secrets.token_urlsafe(12)
    stand_in.windows = control(
        url,
        "POST",
        "instances",
        {"os": "windows", "region": region, "users": {"user01": stand_in.windows_password}},
    )["InstanceId"]
    oos_client(owner, region, endpoint).create_secret_parameter(
        oos.CreateSecretParameterRequest(
            region_id=region, name="axtSecretPassword", value=stand_in.windows_password
        )
    )
    iam = ram_client(owner, region, endpoint)
    if administrator:
        stand_in.administrator = _user(
            iam, "administrator", [("RunAsHarnessAdministrator", ADMINISTRATOR_POLICY)]
        )
    if command_user:
        stand_in.command_user_policies = tuple(command_user)
        documents = [(label, _document(label, policies)) for label in command_user]
        stand_in.command_user = _user(iam, "commandUser", documents)
        _guide_role(iam, ecs_client(owner, region, endpoint), stand_in.windows, region)
    return stand_in


def _document(label: str, policies: Path) -> dict[str, Any] | None:
    if label.startswith("Aliyun"):
        return None
    loaded: dict[str, Any] = json.loads((policies / f"{label}.json").read_text(encoding="utf-8"))
    return loaded


def _user(iam: Any, name: str, policies: Sequence[tuple[str, dict[str, Any] | None]]) -> AccessKey:
    iam.create_user(ram.CreateUserRequest(user_name=name))
    for label, document in policies:
        kind, policy = ("System", label) if document is None else ("Custom", label.split(".")[0])
        if document is not None:
            iam.create_policy(
                ram.CreatePolicyRequest(policy_name=policy, policy_document=json.dumps(document))
            )
        iam.attach_policy_to_user(
            ram.AttachPolicyToUserRequest(policy_type=kind, policy_name=policy, user_name=name)
        )
    made = iam.create_access_key(ram.CreateAccessKeyRequest(user_name=name)).body.access_key
    return AccessKey(str(made.access_key_id), str(made.access_key_secret))


def _guide_role(iam: Any, compute: Any, instance_id: str, region: str) -> None:
    trust = (POLICIES / "AxtSecretRamRole.trust.json").read_text(encoding="utf-8")
    iam.create_role(
        ram.CreateRoleRequest(role_name="AxtSecretRamRole", assume_role_policy_document=trust)
    )
    document = (POLICIES / "AxtSecretRamRolePolicy.json").read_text(encoding="utf-8")
    iam.create_policy(
        ram.CreatePolicyRequest(policy_name="AxtSecretRamRolePolicy", policy_document=document)
    )
    iam.attach_policy_to_role(
        ram.AttachPolicyToRoleRequest(
            policy_type="Custom", policy_name="AxtSecretRamRolePolicy", role_name="AxtSecretRamRole"
        )
    )
    compute.attach_instance_ram_role(
        ecs.AttachInstanceRamRoleRequest(
            region_id=region,
            instance_ids=json.dumps([instance_id]),
            ram_role_name="AxtSecretRamRole",
        )
    )


#: What a run may create, as the server's state lists it: (section, name field).
_CREATED = (
    ("Users", "UserName"),
    ("AccessKeys", "AccessKeyId"),
    ("Roles", "RoleName"),
    ("Parameters", "Name"),
)


def holdings(state: Mapping[str, Any]) -> dict[str, set[str]]:
    """Everything in a fake account's state a run could leave behind, by kind: users, keys,
    roles, parameters, custom policies, saved commands and instance roles."""
    held = {section: {str(x[key]) for x in state[section]} for section, key in _CREATED}
    held["CustomPolicies"] = {
        str(p["PolicyName"]) for p in state["Policies"] if p["PolicyType"] == "Custom"
    }
    held["SavedCommands"] = {str(c["Name"]) for c in state["Commands"] if c["Kept"]}
    held["InstanceRoles"] = {
        f"{i['InstanceId']}:{i['RamRoleName']}" for i in state["Instances"] if i["RamRoleName"]
    }
    return held


def isolated_env(home: Path | None = None, **chosen: str) -> dict[str, str]:
    """This process's environment without any run-as or Alibaba Cloud setting or credential
    (nor a HOME with credentials files, when `home` is given), plus `chosen`: so a run against
    the stand-in can never pick up a real account's."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RUNAS_", "ALIBABA_CLOUD_", "PYTEST_"))
        and k != "PYTHONDONTWRITEBYTECODE"
    }
    # Runs one after another reuse compiled modules, kept out of the source tree.
    if "PYTHONPYCACHEPREFIX" not in env:
        env["PYTHONPYCACHEPREFIX"] = private_pycache()
    env["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"
    env["ALIBABA_CLOUD_CLI_PROFILE_DISABLED"] = "true"
    if home is not None:
        env["HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join([str(CHECKOUT), env.get("PYTHONPATH", "")])
    env.update(chosen)
    return env
