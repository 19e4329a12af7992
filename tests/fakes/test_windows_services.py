"""The services behind the guide's Windows section, through the official SDKs: OOS secret
parameters kept in KMS, RAM roles and their trust policies, STS temporary credentials, instance
RAM roles, and the Cloud Assistant agent that reads a Windows password with the instance role."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_kms20160120 import models as kms_models
from alibabacloud_kms20160120.client import Client as KmsClient
from alibabacloud_oos20190601 import models as oos_models
from alibabacloud_oos20190601.client import Client as OosClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_sts20150401 import models as sts_models
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.models import Config

from fakes import FakeCloud

Key = tuple[str, str]
REGION = "cn-hangzhou"
POLICIES = Path(__file__).resolve().parents[2] / "features" / "policies"
PASSWORD = "Passw0rd!"


def _config(key: Key, region: str = REGION, token: str | None = None) -> Config:
    return Config(
        access_key_id=key[0], access_key_secret=key[1], security_token=token, region_id=region
    )


def _refused(call: Callable[[], Any]) -> ClientException:
    with pytest.raises(ClientException) as info:
        call()
    return info.value


@pytest.fixture
def root(cloud: FakeCloud) -> Key:
    return cloud.root_access_key


def _oos(key: Key, region: str = REGION, token: str | None = None) -> OosClient:
    return OosClient(_config(key, region, token))


def _put_password(key: Key, name: str = "axtSecretPassword", region: str = REGION) -> Any:
    return _oos(key, region).create_secret_parameter(
        oos_models.CreateSecretParameterRequest(region_id=region, name=name, value=PASSWORD)
    )


def _get(client: OosClient, name: str, decrypt: bool) -> Any:
    return client.get_secret_parameter(
        oos_models.GetSecretParameterRequest(region_id=REGION, name=name, with_decryption=decrypt)
    ).body.parameter


# ---- OOS and KMS -------------------------------------------------------------------------


def test_a_secret_parameter_shows_its_value_only_when_decryption_is_asked(root: Key) -> None:
    created = _put_password(root).body.parameter
    assert (created.name, created.type, created.parameter_version) == (
        "axtSecretPassword",
        "Secret",
        1,
    )
    client = _oos(root)
    assert _get(client, "axtSecretPassword", decrypt=False).value is None
    assert _get(client, "axtSecretPassword", decrypt=True).value == PASSWORD
    listed = client.list_secret_parameters(
        oos_models.ListSecretParametersRequest(region_id=REGION)
    ).body
    assert [p.name for p in listed.parameters] == ["axtSecretPassword"]
    assert PASSWORD not in json.dumps(listed.to_map())


def test_secret_parameters_live_in_their_region(root: Key) -> None:
    _put_password(root, region="cn-shanghai")
    error = _refused(lambda: _get(_oos(root), "axtSecretPassword", decrypt=True))
    assert (error.code, error.status_code) == ("EntityNotExists.Parameter", 404)


def test_parameter_names_follow_the_documented_rules(root: Key) -> None:
    for bad in ("ALIYUN-password", "oosPassword", "has space"):
        error = _refused(lambda bad=bad: _put_password(root, name=bad))
        assert error.code == "InvalidParameter.Name", bad
    _put_password(root)
    assert _refused(lambda: _put_password(root)).code == "EntityAlreadyExists.Parameter"


def test_update_bumps_the_version_and_delete_removes_it(root: Key) -> None:
    _put_password(root)
    client = _oos(root)
    client.update_secret_parameter(
        oos_models.UpdateSecretParameterRequest(
            region_id=REGION, name="axtSecretPassword", value="N3w!"
        )
    )
    updated = _get(client, "axtSecretPassword", decrypt=True)
    assert (updated.parameter_version, updated.value) == (2, "N3w!")
    client.delete_secret_parameter(
        oos_models.DeleteSecretParameterRequest(region_id=REGION, name="axtSecretPassword")
    )
    assert _refused(lambda: _get(client, "axtSecretPassword", False)).code == (
        "EntityNotExists.Parameter"
    )


def test_creating_a_secret_parameter_needs_kms_create_secret(
    ram_user: Callable[..., Key],
) -> None:
    only_oos = ram_user("oosOnly", custom={"oosAll": json.dumps({"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "oos:*", "Resource": "*"}]})})  # fmt: skip
    error = _refused(lambda: _put_password(only_oos))
    assert error.code == "Forbidden.RAM"
    assert error.access_denied_detail["AuthAction"] == "kms:CreateSecret"


def test_reading_decrypted_needs_kms_get_secret_value(
    root: Key, ram_user: Callable[..., Key]
) -> None:
    _put_password(root)
    reader = ram_user("reader", system=["AliyunOOSReadOnlyAccess"])
    client = _oos(reader)
    assert _get(client, "axtSecretPassword", decrypt=False).name == "axtSecretPassword"
    error = _refused(lambda: _get(client, "axtSecretPassword", decrypt=True))
    assert error.access_denied_detail["AuthAction"] == "kms:GetSecretValue"


def test_kms_default_key_encrypt_and_decrypt_round_trip(root: Key) -> None:
    kms = KmsClient(_config(root))
    keys = kms.list_keys(kms_models.ListKeysRequest()).body.keys.key
    assert len(keys) == 1
    key_id = keys[0].key_id
    described = kms.describe_key(kms_models.DescribeKeyRequest(key_id=key_id)).body.key_metadata
    assert (described.key_state, described.description) == ("Enabled", "Default Service CMK")
    sealed = kms.encrypt(
        kms_models.EncryptRequest(key_id=key_id, plaintext="hello", encryption_context={"a": "b"})
    ).body
    assert "hello" not in base64.b64decode(sealed.ciphertext_blob).decode("latin-1")
    opened = kms.decrypt(
        kms_models.DecryptRequest(
            ciphertext_blob=sealed.ciphertext_blob, encryption_context={"a": "b"}
        )
    ).body
    assert opened.plaintext == "hello"
    wrong = _refused(
        lambda: kms.decrypt(
            kms_models.DecryptRequest(
                ciphertext_blob=sealed.ciphertext_blob, encryption_context={"a": "c"}
            )
        )
    )
    assert wrong.code == "Rejected.ValidationFailed"
    data_key = kms.generate_data_key(
        kms_models.GenerateDataKeyRequest(key_id=key_id, key_spec="AES_256")
    ).body
    assert len(base64.b64decode(data_key.plaintext)) == 32
    assert (
        _refused(lambda: kms.describe_key(kms_models.DescribeKeyRequest(key_id="no-such-key"))).code
        == "Forbidden.KeyNotFound"
    )


def test_get_secret_value_reads_what_oos_stored(root: Key) -> None:
    _put_password(root)
    kms = KmsClient(_config(root))
    secret = kms.get_secret_value(
        kms_models.GetSecretValueRequest(secret_name="oos/axtSecretPassword")  # A30
    ).body
    assert (secret.secret_data, secret.version_stages.version_stage) == (PASSWORD, ["ACSCurrent"])


# ---- RAM roles and STS --------------------------------------------------------------------


def _trust_ram(account_id: str, who: str = "root") -> str:
    return json.dumps(
        {
            "Version": "1",
            "Statement": [
                {
                    "Action": "sts:AssumeRole",
                    "Effect": "Allow",
                    "Principal": {"RAM": [f"acs:ram::{account_id}:{who}"]},
                }
            ],
        }
    )


def _create_role(ram: RamClient, name: str, trust: str, policy: str | None = None) -> Any:
    role = ram.create_role(
        ram_models.CreateRoleRequest(role_name=name, assume_role_policy_document=trust)
    ).body.role
    if policy is not None:
        ram.attach_policy_to_role(
            ram_models.AttachPolicyToRoleRequest(
                policy_type="System", policy_name=policy, role_name=name
            )
        )
    return role


def test_create_role_validates_the_trust_policy(ram: RamClient) -> None:
    bad = json.dumps(
        {"Version": "1", "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow"}]}
    )
    error = _refused(lambda: _create_role(ram, "broken", bad))
    assert error.code == "MalformedPolicyDocument"
    assert "missing `Principal`" in error.message
    role = _create_role(
        ram, "AxtSecretRamRole", (POLICIES / "AxtSecretRamRole.trust.json").read_text()
    )
    assert role.arn.endswith(":role/axtsecretramrole")
    listed = ram.list_roles(ram_models.ListRolesRequest()).body.roles.role
    assert [r.role_name for r in listed] == ["AxtSecretRamRole"]
    assert _refused(
        lambda: _create_role(ram, "AxtSecretRamRole", role.assume_role_policy_document)
    ).code == ("EntityAlreadyExists.Role")


def test_a_role_with_policies_cannot_be_deleted(ram: RamClient, cloud: FakeCloud) -> None:
    _create_role(ram, "reader", _trust_ram(cloud.account_id), "AliyunECSReadOnlyAccess")
    error = _refused(lambda: ram.delete_role(ram_models.DeleteRoleRequest(role_name="reader")))
    assert (error.code, error.status_code) == ("DeleteConflict.Role.Policy", 409)
    attached = ram.list_policies_for_role(ram_models.ListPoliciesForRoleRequest(role_name="reader"))
    assert [p.policy_name for p in attached.body.policies.policy] == ["AliyunECSReadOnlyAccess"]
    ram.detach_policy_from_role(
        ram_models.DetachPolicyFromRoleRequest(
            policy_type="System", policy_name="AliyunECSReadOnlyAccess", role_name="reader"
        )
    )
    ram.delete_role(ram_models.DeleteRoleRequest(role_name="reader"))
    assert _refused(lambda: ram.get_role(ram_models.GetRoleRequest(role_name="reader"))).code == (
        "EntityNotExist.Role"
    )


def _assume(key: Key, arn: str, **extra: Any) -> Any:
    return (
        StsClient(_config(key))
        .assume_role(
            sts_models.AssumeRoleRequest(role_arn=arn, role_session_name="test-session", **extra)
        )
        .body
    )


def test_assume_role_gives_credentials_that_carry_the_roles_permissions(
    cloud: FakeCloud, ram: RamClient, linux: str
) -> None:
    role = _create_role(ram, "reader", _trust_ram(cloud.account_id), "AliyunECSReadOnlyAccess")
    assumed = _assume(cloud.root_access_key, role.arn)
    creds = assumed.credentials
    assert creds.access_key_id.startswith("STS.")
    assert assumed.assumed_role_user.arn == f"{role.arn}/test-session"
    key = (creds.access_key_id, creds.access_key_secret)
    ecs = EcsClient(_config(key, token=creds.security_token))
    listed = ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id=REGION)).body
    assert [i.instance_id for i in listed.instances.instance] == [linux]
    error = _refused(
        lambda: ecs.run_command(
            ecs_models.RunCommandRequest(
                region_id=REGION, type="RunShellScript", command_content="id", instance_id=[linux]
            )
        )
    )
    assert error.access_denied_detail["AuthPrincipalType"] == "AssumedRoleUser"
    who = StsClient(_config(key, token=creds.security_token)).get_caller_identity().body
    assert (who.identity_type, who.role_id) == ("AssumedRoleUser", role.role_id)


def test_temporary_credentials_need_their_token_and_expire_on_the_fake_clock(
    cloud: FakeCloud, ram: RamClient
) -> None:
    role = _create_role(ram, "reader", _trust_ram(cloud.account_id), "AliyunECSReadOnlyAccess")
    creds = _assume(cloud.root_access_key, role.arn, duration_seconds=900).credentials
    key = (creds.access_key_id, creds.access_key_secret)

    def list_with(token: str | None) -> Any:
        ecs = EcsClient(_config(key, token=token))
        return ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id=REGION))

    assert _refused(lambda: list_with(None)).code == "MissingSecurityToken"
    assert _refused(lambda: list_with("CAISforged")).code == (
        "InvalidSecurityToken.MismatchWithAccessKey"
    )
    assert list_with(creds.security_token).body.instances.instance == []
    cloud.clock.advance(timedelta(seconds=900))
    expired = _refused(lambda: list_with(creds.security_token))
    assert (expired.code, expired.status_code) == ("InvalidSecurityToken.Expired", 400)


def test_a_session_policy_narrows_the_role(cloud: FakeCloud, ram: RamClient) -> None:
    role = _create_role(ram, "reader", _trust_ram(cloud.account_id), "AliyunECSReadOnlyAccess")
    narrow = json.dumps({"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "ecs:DescribeCommands", "Resource": "*"}]})  # fmt: skip
    creds = _assume(cloud.root_access_key, role.arn, policy=narrow).credentials
    ecs = EcsClient(
        _config((creds.access_key_id, creds.access_key_secret), token=creds.security_token)
    )
    ecs.describe_commands(ecs_models.DescribeCommandsRequest(region_id=REGION))
    error = _refused(
        lambda: ecs.describe_instances(ecs_models.DescribeInstancesRequest(region_id=REGION))
    )
    assert error.access_denied_detail["PolicyType"] == "SessionPolicy"


def test_assume_role_needs_the_trust_and_the_permission(
    cloud: FakeCloud, ram: RamClient, ram_user: Callable[..., Key]
) -> None:
    trusted_by_alice = _create_role(ram, "forAlice", _trust_ram(cloud.account_id, "user/alice"))
    allow_assume = json.dumps({"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]})  # fmt: skip
    alice = ram_user("alice", custom={"assume": allow_assume})
    bob = ram_user("bob")
    assert _assume(alice, trusted_by_alice.arn).credentials.access_key_id.startswith("STS.")
    refused = _refused(lambda: _assume(bob, trusted_by_alice.arn))
    assert (refused.code, refused.status_code) == ("NoPermission", 403)
    ecs_role = _create_role(ram, "ecsOnly", (POLICIES / "AxtSecretRamRole.trust.json").read_text())
    refused = _refused(lambda: _assume(alice, ecs_role.arn))
    assert refused.code == "NoPermission"  # RAM users cannot assume a service role
    missing = _refused(lambda: _assume(alice, f"acs:ram::{cloud.account_id}:role/nothing"))
    assert (missing.code, missing.status_code) == ("EntityNotExist.Role", 404)
    assert _refused(lambda: _assume(alice, "not-an-arn")).code == "InvalidParameter.RoleArn"


# ---- instance RAM roles and the agent ------------------------------------------------------


@pytest.fixture
def ecs_role(ram: RamClient) -> Any:
    role = _create_role(
        ram, "AxtSecretRamRole", (POLICIES / "AxtSecretRamRole.trust.json").read_text()
    )
    ram.create_policy(
        ram_models.CreatePolicyRequest(
            policy_name="AxtSecretRamRolePolicy",
            policy_document=(POLICIES / "AxtSecretRamRolePolicy.json").read_text(),
        )
    )
    ram.attach_policy_to_role(
        ram_models.AttachPolicyToRoleRequest(
            policy_type="Custom", policy_name="AxtSecretRamRolePolicy", role_name="AxtSecretRamRole"
        )
    )
    return role


def _attach(ecs: EcsClient, instance: str, role: str) -> Any:
    return ecs.attach_instance_ram_role(
        ecs_models.AttachInstanceRamRoleRequest(
            region_id=REGION, instance_ids=json.dumps([instance]), ram_role_name=role
        )
    ).body


def test_only_a_role_that_trusts_ecs_can_be_attached(
    cloud: FakeCloud, ecs: EcsClient, ram: RamClient, windows: str, ecs_role: Any
) -> None:
    _create_role(ram, "notForEcs", _trust_ram(cloud.account_id))
    error = _refused(lambda: _attach(ecs, windows, "notForEcs"))
    assert (error.code, error.status_code) == ("InvalidRamRole.NotEcsRole", 404)
    assert _refused(lambda: _attach(ecs, windows, "nothing")).code == "InvalidRamRole.NotFound"
    attached = _attach(ecs, windows, "AxtSecretRamRole")
    assert (attached.total_count, attached.fail_count) == (1, 0)
    described = ecs.describe_instance_ram_role(
        ecs_models.DescribeInstanceRamRoleRequest(
            region_id=REGION, instance_ids=json.dumps([windows])
        )
    ).body.instance_ram_role_sets.instance_ram_role_set
    assert [(d.instance_id, d.ram_role_name) for d in described] == [(windows, "AxtSecretRamRole")]
    ecs.detach_instance_ram_role(
        ecs_models.DetachInstanceRamRoleRequest(
            region_id=REGION, instance_ids=json.dumps([windows])
        )
    )
    assert (
        ecs.describe_instance_ram_role(
            ecs_models.DescribeInstanceRamRoleRequest(region_id=REGION)
        ).body.total_count
        == 0
    )


def test_passing_a_role_needs_ram_pass_role(
    windows: str, ecs_role: Any, ram_user: Callable[..., Key], ecs_as: Callable[..., EcsClient]
) -> None:
    key = ram_user("operator", system=["AliyunECSFullAccess"])
    error = _refused(lambda: _attach(ecs_as(key), windows, "AxtSecretRamRole"))
    assert (error.code, error.status_code) == ("InvalidUser.PassRoleForbidden", 403)


def _run_windows(ecs: EcsClient, instance: str, user: str | None, parameter: str | None) -> Any:
    started = ecs.run_command(
        ecs_models.RunCommandRequest(
            region_id=REGION,
            type="RunPowerShellScript",
            command_content="whoami",
            instance_id=[instance],
            username=user,
            windows_password_name=parameter,
        )
    ).body
    request = ecs_models.DescribeInvocationResultsRequest(
        region_id=REGION, invoke_id=started.invoke_id, content_encoding="PlainText"
    )
    for _ in range(10):
        (result,) = ecs.describe_invocation_results(
            request
        ).body.invocation.invocation_results.invocation_result
        if result.invocation_status not in ("Pending", "Running"):
            return result
    raise AssertionError("not final after 10 polls")


@pytest.fixture
def ready(root: Key, ecs: EcsClient, windows: str, ecs_role: Any) -> str:
    """The guide's Windows setup, done by the account owner: parameter, role, attachment."""
    _put_password(root)
    _attach(ecs, windows, "AxtSecretRamRole")
    return windows


def test_the_agent_logs_on_with_the_password_from_oos(
    cloud: FakeCloud, ecs: EcsClient, ready: str
) -> None:
    result = _run_windows(ecs, ready, "user01", "axtSecretPassword")
    hostname = cloud.guest(ready).hostname.lower()
    assert (result.invocation_status, result.output) == ("Success", f"{hostname}\\user01\n")


def test_windows_users_need_a_password_parameter(ecs: EcsClient, ready: str) -> None:
    error = _refused(lambda: _run_windows(ecs, ready, "user01", None))
    assert (error.code, error.status_code) == ("WindowsPasswordName.Missed", 403)


def test_system_needs_no_password(ecs: EcsClient, windows: str) -> None:
    result = _run_windows(ecs, windows, None, None)
    assert (result.invocation_status, result.output) == ("Success", "nt authority\\system\n")


BREAKAGES = [
    ("no role", "InstanceRoleInvalid"),
    ("no parameter", "QueryParameterStoreFailed"),
    ("parameter in another region", "QueryParameterStoreFailed"),
    ("role may not read", "QueryParameterStoreFailed"),
    ("wrong password", "UserOrPasswordInvalid"),
    ("no such user", "AccountNotExists"),
]


def _set_up_all_but(breakage: str, root: Key, ecs: EcsClient, ram: RamClient, windows: str) -> str:
    """The guide's Windows setup with one part broken; returns the user to log on as."""
    if breakage != "no role":
        _attach(ecs, windows, "AxtSecretRamRole")
    if breakage == "parameter in another region":
        _put_password(root, region="cn-shanghai")
    elif breakage == "wrong password":
        _oos(root).create_secret_parameter(
            oos_models.CreateSecretParameterRequest(
                region_id=REGION, name="axtSecretPassword", value="nope"
            )
        )
    elif breakage != "no parameter":
        _put_password(root)
    if breakage == "role may not read":
        ram.detach_policy_from_role(
            ram_models.DetachPolicyFromRoleRequest(
                policy_type="Custom",
                policy_name="AxtSecretRamRolePolicy",
                role_name="AxtSecretRamRole",
            )
        )
    return "user99" if breakage == "no such user" else "user01"


def _run_failure(ecs: EcsClient, windows: str, user: str) -> tuple[str, str]:
    result = _run_windows(ecs, windows, user, "axtSecretPassword")
    return result.invocation_status, result.error_code


def _session_failure(ecs: EcsClient, windows: str, user: str) -> tuple[str, str]:
    """A130: the call is accepted, and the session's connection fails as a run would."""
    (connection,) = _session_as(ecs, windows, user, "axtSecretPassword").connections.connection
    return connection.status, connection.failed_detail


@pytest.mark.parametrize("logon", [_run_failure, _session_failure], ids=["run", "session"])
@pytest.mark.parametrize(("breakage", "error_code"), BREAKAGES)
def test_each_broken_part_of_the_setup_has_its_error_code(
    cloud: FakeCloud,
    root: Key,
    ecs: EcsClient,
    ram: RamClient,
    windows: str,
    ecs_role: Any,
    breakage: str,
    error_code: str,
    logon: Callable[[EcsClient, str, str], tuple[str, str]],
) -> None:
    """A RunCommand with WindowsPasswordName and a session with PasswordName log on alike."""
    user = _set_up_all_but(breakage, root, ecs, ram, windows)
    assert logon(ecs, windows, user) == ("Failed", error_code)
    assert cloud.guest(windows).history == []


def test_the_agents_refusal_is_explained(
    cloud: FakeCloud, ecs: EcsClient, ram: RamClient, ready: str
) -> None:
    ram.detach_policy_from_role(
        ram_models.DetachPolicyFromRoleRequest(
            policy_type="Custom", policy_name="AxtSecretRamRolePolicy", role_name="AxtSecretRamRole"
        )
    )
    _run_windows(ecs, ready, "user01", "axtSecretPassword")
    (decision,) = cloud.refusals
    assert decision.request.action == "oos:GetSecretParameter"
    assert decision.kind == "ImplicitDeny"


def test_a_bat_script_runs_as_user01_too(cloud: FakeCloud, ecs: EcsClient, ready: str) -> None:
    started = ecs.run_command(
        ecs_models.RunCommandRequest(
            region_id=REGION,
            type="RunBatScript",
            command_content="whoami",
            instance_id=[ready],
            username="user01",
            windows_password_name="axtSecretPassword",
        )
    ).body
    request = ecs_models.DescribeInvocationResultsRequest(
        region_id=REGION, invoke_id=started.invoke_id, content_encoding="PlainText"
    )
    for _ in range(3):
        results = ecs.describe_invocation_results(request).body.invocation.invocation_results
    (result,) = results.invocation_result
    assert result.output == f"{cloud.guest(ready).hostname.lower()}\\user01\n"


def test_a_saved_command_is_invoked_as_user01_with_the_password_parameter(
    cloud: FakeCloud, ecs: EcsClient, ready: str
) -> None:
    command_id = ecs.create_command(
        ecs_models.CreateCommandRequest(
            region_id=REGION,
            name="who",
            type="RunPowerShellScript",
            command_content="whoami",
            content_encoding="PlainText",
        )
    ).body.command_id

    def invoke(parameter: str | None) -> Any:
        return ecs.invoke_command(
            ecs_models.InvokeCommandRequest(
                region_id=REGION,
                command_id=command_id,
                instance_id=[ready],
                username="user01",
                windows_password_name=parameter,
            )
        ).body

    assert _refused(lambda: invoke(None)).code == "WindowsPasswordName.Missed"
    invoke_id = invoke("axtSecretPassword").invoke_id
    request = ecs_models.DescribeInvocationResultsRequest(
        region_id=REGION, invoke_id=invoke_id, content_encoding="PlainText"
    )
    for _ in range(3):
        results = ecs.describe_invocation_results(request).body.invocation.invocation_results
    (result,) = results.invocation_result
    assert (result.invocation_status, result.username) == ("Success", "user01")


def test_a_linux_script_type_does_not_run_on_windows(ecs: EcsClient, ready: str) -> None:
    error = _refused(
        lambda: ecs.run_command(
            ecs_models.RunCommandRequest(
                region_id=REGION, type="RunShellScript", command_content="id", instance_id=[ready]
            )
        )
    )
    assert (error.code, error.status_code) == ("InvalidInstance.NotMatch", 400)


# ---- Session Manager as a Windows user (PasswordName) -------------------------------------


def _session_as(ecs: EcsClient, instance: str, user: str, parameter: str) -> Any:
    """A StartTerminalSession as `user` with PasswordName `parameter`, and how it is described."""
    started = ecs.start_terminal_session(
        ecs_models.StartTerminalSessionRequest(
            region_id=REGION,
            instance_id=[instance],
            username=user,
            password_name=parameter,
            command_line="whoami",
        )
    ).body
    (session,) = ecs.describe_terminal_sessions(
        ecs_models.DescribeTerminalSessionsRequest(region_id=REGION, session_id=started.session_id)
    ).body.sessions.session
    return session


def test_a_session_as_user01_logs_on_with_the_password_from_oos(
    cloud: FakeCloud, ecs: EcsClient, ready: str
) -> None:
    session = _session_as(ecs, ready, "USER01", "axtSecretPassword")
    (connection,) = session.connections.connection
    assert (session.username, connection.status, connection.failed_detail) == (
        "user01",
        "Connected",
        "",
    )
    assert cloud.guest(ready).history == [("user01", "whoami")]


def test_a_session_reads_the_parameter_it_names_not_another(
    cloud: FakeCloud, root: Key, ecs: EcsClient, ready: str
) -> None:
    _oos(root).create_secret_parameter(
        oos_models.CreateSecretParameterRequest(region_id=REGION, name="decoy", value="nope")
    )
    failed = _session_as(ecs, ready, "user01", "decoy").connections.connection[0]
    assert (failed.status, failed.failed_detail) == ("Failed", "UserOrPasswordInvalid")
    good = _session_as(ecs, ready, "user01", "axtSecretPassword").connections.connection[0]
    assert (good.status, good.failed_detail) == ("Connected", "")
