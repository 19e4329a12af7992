"""Decoded refusals, resource-group scopes and control policies through the official RAM,
Resource Manager and Resource Directory SDKs: every refusal's EncodedDiagnosticMessage decodes
(ram:DecodeDiagnosticMessage) to the decision that made it, naming the deciding policy, its
version and the scope it is attached at."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as e
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as r
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_resourcedirectorymaster20220419 import models as rd
from alibabacloud_resourcedirectorymaster20220419.client import Client as DirectoryClient
from alibabacloud_resourcemanager20200331 import models as rm
from alibabacloud_resourcemanager20200331.client import Client as ManagerClient
from alibabacloud_tea_openapi.exceptions import ClientException

from fakes import FakeCloud

from .conftest import GUIDE_POLICIES, REGION, sdk_config

Key = tuple[str, str]
GUARD = (GUIDE_POLICIES / "runAsGuard.json").read_text()
CONTROL = (GUIDE_POLICIES / "denyRootRunAs.control.json").read_text()


def _refused(call: Callable[[], Any]) -> ClientException:
    with pytest.raises(ClientException) as info:
        call()
    return info.value


def _run(ecs: EcsClient, instance: str, user: str) -> Any:
    return ecs.run_command(
        e.RunCommandRequest(
            region_id=REGION,
            type="RunShellScript",
            command_content="whoami",
            instance_id=[instance],
            username=user,
        )
    )


def _decode(ram: RamClient, error: ClientException) -> dict[str, Any]:
    encoded = error.access_denied_detail["EncodedDiagnosticMessage"]
    request = r.DecodeDiagnosticMessageRequest(encoded_diagnostic_message=encoded)
    return ram.decode_diagnostic_message(request).body.decoded_diagnostic_message.to_map()


def test_a_refusal_decodes_to_the_deciding_policy_its_version_and_scope(
    cloud: FakeCloud,
    ram: RamClient,
    ram_user: Callable[..., Key],
    ecs_as: Callable[..., EcsClient],
    linux: str,
) -> None:
    key = ram_user("commandUser", custom={"runAsGuard": GUARD}, system=["AliyunECSFullAccess"])
    error = _refused(lambda: _run(ecs_as(key), linux, "root"))
    assert error.access_denied_detail["PolicyType"] == "AccountLevelIdentityBasedPolicy"
    decoded = _decode(ram, error)
    assert decoded["ExplicitDeny"] is True
    assert decoded["NoPermissionPolicyType"] == "AccountLevelIdentityBasedPolicy"
    assert decoded["AuthAction"] == "ecs:RunCommand"
    assert decoded["AuthResource"].endswith(f":instance/{linux}")
    assert decoded["AuthPrincipal"]["AuthPrincipalType"] == "SubUser"
    assert {"ConditionKey": "ecs:CommandRunAs", "ConditionValues": ["root"]} in decoded[
        "AuthConditions"
    ]
    assert decoded["MatchedPolicies"] == [
        {
            "Effect": "Deny",
            "PolicyIdentifier": "runAsGuard",
            "PolicyType": "Custom",
            "PolicyVersion": "v1",
            "AttachedScope": cloud.account_id,
            "AttachedEntityType": "User",
        }
    ]


def test_the_explanation_still_reads_without_the_api(
    ram_user: Callable[..., Key], ecs_as: Callable[..., EcsClient], linux: str
) -> None:
    key = ram_user("commandUser", system=["AliyunECSReadOnlyAccess"])
    error = _refused(lambda: _run(ecs_as(key), linux, "root"))
    decoded = json.loads(base64.b64decode(error.access_denied_detail["EncodedDiagnosticMessage"]))
    assert decoded["Explanation"].startswith("ImplicitDeny")


def test_an_implicit_deny_decodes_to_the_request_as_authorized(
    cloud: FakeCloud,
    ram: RamClient,
    ram_user: Callable[..., Key],
    ecs_as: Callable[..., EcsClient],
    linux: str,
) -> None:
    """What the harness judges an implicit deny by on a real account (A90): the action and the
    request's own condition keys, with no deciding policy."""
    key = ram_user("commandUser", system=["AliyunECSReadOnlyAccess"])
    decoded = _decode(ram, _refused(lambda: _run(ecs_as(key), linux, "user01")))
    assert decoded["ExplicitDeny"] is False
    assert decoded["NoPermissionPolicyType"] == "AccountLevelIdentityBasedPolicy"
    assert decoded["AuthAction"] == "ecs:RunCommand"
    assert decoded["AuthResource"] == f"acs:ecs:{REGION}:{cloud.account_id}:instance/{linux}"
    conditions = {c["ConditionKey"]: c["ConditionValues"] for c in decoded["AuthConditions"]}
    assert conditions["ecs:CommandRunAs"] == ["user01"]
    assert conditions["acs:SecureTransport"] == ["true"]
    assert "acs:SourceIp" in conditions
    assert decoded["MatchedPolicies"] == []
    # A call that names no run-as user carries no ecs:CommandRunAs to judge.
    ecs = ecs_as(key)
    delete = e.DeleteCommandRequest(region_id=REGION, command_id="c-none")
    other = _decode(ram, _refused(lambda: ecs.delete_command(delete)))
    assert other["AuthAction"] == "ecs:DeleteCommand"
    assert other["AuthResource"].endswith(":command/c-none")
    assert "ecs:CommandRunAs" not in {c["ConditionKey"] for c in other["AuthConditions"]}


def test_a_forged_diagnostic_is_not_decoded(ram: RamClient) -> None:
    forged = base64.b64encode(json.dumps({"ExplicitDeny": False, "Seal": "0"}).encode()).decode()
    request = r.DecodeDiagnosticMessageRequest(encoded_diagnostic_message=forged)
    error = _refused(lambda: ram.decode_diagnostic_message(request))
    assert (error.code, error.status_code) == ("InvalidParameter.EncodedDiagnosticMessage", 400)


def _prod_and_elsewhere(cloud: FakeCloud) -> tuple[ManagerClient, str, str, str]:
    """Resource Manager as the owner, a new resource group `prod`, an instance in it and one in
    the default group."""
    manager = ManagerClient(sdk_config(cloud.root_access_key))
    prod = manager.create_resource_group(
        rm.CreateResourceGroupRequest(name="prod", display_name="prod")
    ).body.resource_group.id
    in_prod = cloud.add_instance(os="linux", users=["user01"], resource_group_id=prod)
    elsewhere = cloud.add_instance(os="linux", users=["user01"])
    return manager, str(prod), in_prod, elsewhere


def test_a_scoped_guard_protects_instances_of_its_group_only(
    cloud: FakeCloud,
    ram: RamClient,
    ram_user: Callable[..., Key],
    ecs_as: Callable[..., EcsClient],
) -> None:
    manager, prod, in_prod, elsewhere = _prod_and_elsewhere(cloud)
    listed = ecs_as(cloud.root_access_key).describe_instances(
        e.DescribeInstancesRequest(region_id=REGION)
    )
    groups = {i.instance_id: i.resource_group_id for i in listed.body.instances.instance}
    assert groups == {in_prod: prod, elsewhere: cloud.default_resource_group_id}
    key = ram_user("commandUser", custom={"runAsGuard": GUARD})
    for group in (prod, cloud.default_resource_group_id):
        ram.attach_policy_to_user(
            r.AttachPolicyToUserRequest(
                policy_type="System",
                policy_name="AliyunECSFullAccess",
                user_name="commandUser",
                resource_group_id=group,
            )
        )
    ram.detach_policy_from_user(
        r.DetachPolicyFromUserRequest(
            policy_type="Custom", policy_name="runAsGuard", user_name="commandUser"
        )
    )
    ram.attach_policy_to_user(
        r.AttachPolicyToUserRequest(
            policy_type="Custom",
            policy_name="runAsGuard",
            user_name="commandUser",
            resource_group_id=prod,
        )
    )
    error = _refused(lambda: _run(ecs_as(key), in_prod, "root"))
    assert error.access_denied_detail["PolicyType"] == "ResourceGroupLevelIdentityBasedPolicy"
    matched = _decode(ram, error)["MatchedPolicies"]
    assert [(m["PolicyIdentifier"], m["AttachedScope"]) for m in matched] == [("runAsGuard", prod)]
    # Resource Manager's ListPolicyAttachments is where the scopes can be read (A63)
    attachments = manager.list_policy_attachments(
        rm.ListPolicyAttachmentsRequest(principal_type="IMSUser")
    ).body.policy_attachments.policy_attachment
    scopes = {(a.policy_name, a.resource_group_id) for a in attachments}
    assert ("runAsGuard", prod) in scopes
    assert ("AliyunECSFullAccess", cloud.default_resource_group_id) in scopes
    policies = ram.list_policies_for_user(r.ListPoliciesForUserRequest(user_name="commandUser"))
    assert len(policies.body.policies.policy) == 3


def test_an_unknown_resource_group_on_attach_is_refused(
    ram: RamClient, ram_user: Callable[..., Key]
) -> None:
    ram_user("commandUser")
    error = _refused(
        lambda: ram.attach_policy_to_user(
            r.AttachPolicyToUserRequest(
                policy_type="System",
                policy_name="AliyunECSFullAccess",
                user_name="commandUser",
                resource_group_id="rg-nosuchgroup",
            )
        )
    )
    assert (error.code, error.status_code) == ("InvalidParameter.ResourceGroupId", 400)


def test_a_control_policy_denies_root_whatever_identity_policies_allow(
    cloud: FakeCloud,
    ram: RamClient,
    ram_user: Callable[..., Key],
    ecs_as: Callable[..., EcsClient],
    linux: str,
) -> None:
    key = ram_user("commandUser", system=["AliyunECSFullAccess"])
    directory = DirectoryClient(sdk_config(cloud.root_access_key))
    assert directory.enable_control_policy().body.enablement_status == "PendingEnable"
    made = directory.create_control_policy(
        rd.CreateControlPolicyRequest(
            policy_name="denyRootRunAs", policy_document=CONTROL, effect_scope="RAM"
        )
    ).body.control_policy
    directory.attach_control_policy(
        rd.AttachControlPolicyRequest(policy_id=made.policy_id, target_id=cloud.account_id)
    )
    error = _refused(lambda: _run(ecs_as(key), linux, "root"))
    assert error.code == "Forbidden.RAM"
    assert error.access_denied_detail["PolicyType"] == "ControlPolicy"
    matched = _decode(ram, error)["MatchedPolicies"]
    assert matched == [
        {
            "Effect": "Deny",
            "PolicyIdentifier": made.policy_id,
            "PolicyType": "ControlPolicy",
            "AttachedScope": cloud.account_id,
            "AttachedEntityType": "ResourceDirectory",
        }
    ]
    assert _run(ecs_as(key), linux, "user01").body.invoke_id.startswith("t-")
    listed = directory.list_control_policies(rd.ListControlPoliciesRequest()).body
    assert {p.policy_name for p in listed.control_policies.control_policy} == {
        "FullAliyunAccess",
        "denyRootRunAs",
    }
    directory.detach_control_policy(
        rd.DetachControlPolicyRequest(policy_id=made.policy_id, target_id=cloud.account_id)
    )
    assert _run(ecs_as(key), linux, "root").body.invoke_id.startswith("t-")


def test_a_control_policy_with_a_principal_or_too_long_is_refused(cloud: FakeCloud) -> None:
    directory = DirectoryClient(sdk_config(cloud.root_access_key))
    with_principal = json.dumps(
        {
            "Version": "1",
            "Statement": [
                {"Effect": "Deny", "Action": "*", "Resource": "*", "Principal": {"RAM": ["*"]}}
            ],
        }
    )
    error = _refused(
        lambda: directory.create_control_policy(
            rd.CreateControlPolicyRequest(
                policy_name="p", policy_document=with_principal, effect_scope="RAM"
            )
        )
    )
    assert error.code == "MalformedPolicyDocument"
    long = json.dumps(
        {
            "Version": "1",
            "Statement": [{"Effect": "Deny", "Action": "ecs:RunCommand", "Resource": "*"}] * 80,
        }
    )
    assert len(long) > 4096
    error = _refused(
        lambda: directory.create_control_policy(
            rd.CreateControlPolicyRequest(policy_name="p", policy_document=long, effect_scope="RAM")
        )
    )
    assert error.code == "InvalidParameter.PolicyDocument.Length"


def test_an_instance_in_a_group_the_test_names_makes_that_group(cloud: FakeCloud) -> None:
    instance = cloud.add_instance(os="linux", users=["user01"], resource_group_id="rg-ops")
    manager = ManagerClient(sdk_config(cloud.root_access_key))
    got = manager.get_resource_group(rm.GetResourceGroupRequest(resource_group_id="rg-ops"))
    assert got.body.resource_group.id == "rg-ops"
    held = {i["InstanceId"]: i["ResourceGroupId"] for i in cloud.snapshot()["Instances"]}
    assert held[instance] == "rg-ops"


# ---- Resource Manager's AttachPolicy: RAM's attachments, at the same scopes -----------------


def test_an_attachment_made_through_resource_manager_is_rams_and_evaluated_at_its_scope(
    cloud: FakeCloud,
    ram: RamClient,
    ram_user: Callable[..., Key],
    ecs_as: Callable[..., EcsClient],
) -> None:
    manager, prod, in_prod, elsewhere = _prod_and_elsewhere(cloud)
    key = ram_user("commandUser")
    principal = f"commandUser@{cloud.account_id}.onaliyun.com"

    def fields(scope: str) -> dict[str, str]:
        return {
            "policy_type": "System",
            "policy_name": "AliyunECSFullAccess",
            "principal_type": "IMSUser",
            "principal_name": principal,
            "resource_group_id": scope,
        }

    def attachment(scope: str) -> rm.AttachPolicyRequest:
        return rm.AttachPolicyRequest(**fields(scope))

    manager.attach_policy(attachment(prod))
    listed = ram.list_policies_for_user(r.ListPoliciesForUserRequest(user_name="commandUser"))
    assert [p.policy_name for p in listed.body.policies.policy] == ["AliyunECSFullAccess"]
    rows = manager.list_policy_attachments(
        rm.ListPolicyAttachmentsRequest(principal_type="IMSUser", principal_name=principal)
    ).body.policy_attachments.policy_attachment
    assert [(a.policy_name, a.resource_group_id) for a in rows] == [("AliyunECSFullAccess", prod)]
    ecs = ecs_as(key)
    assert _run(ecs, in_prod, "root").body.invoke_id  # allowed in the group it was made for
    error = _refused(lambda: _run(ecs, elsewhere, "root"))  # and nowhere else
    assert error.code == "Forbidden.RAM"
    # The same attachment, made twice at one scope, is refused as RAM refuses it; the account
    # id is account level, a scope of its own.
    again = _refused(lambda: manager.attach_policy(attachment(prod)))
    assert (again.code, again.status_code) == ("EntityAlreadyExists.User.Policy", 409)
    manager.attach_policy(attachment(cloud.account_id))
    assert _run(ecs, elsewhere, "root").body.invoke_id
    # RAM detaches what Resource Manager attached, and Resource Manager what RAM attached.
    ram.detach_policy_from_user(
        r.DetachPolicyFromUserRequest(
            policy_type="System",
            policy_name="AliyunECSFullAccess",
            user_name="commandUser",
            resource_group_id=prod,
        )
    )
    manager.detach_policy(rm.DetachPolicyRequest(**fields(cloud.account_id)))
    listed = ram.list_policies_for_user(r.ListPoliciesForUserRequest(user_name="commandUser"))
    assert listed.body.policies.policy == []
    gone = _refused(lambda: manager.detach_policy(rm.DetachPolicyRequest(**fields(prod))))
    assert (gone.code, gone.status_code) == ("EntityNotExist.User.Policy", 404)


@pytest.mark.parametrize(
    ("change", "code", "status"),
    [
        ({"principal_type": "RamUser"}, "InvalidParameter.PrincipalType", 400),
        ({"principal_name": "commandUser"}, "InvalidParameter.PrincipalName", 400),
        (
            {"principal_name": "commandUser@elsewhere.onaliyun.com"},
            "InvalidParameter.PrincipalName",
            400,
        ),
        ({"principal_name": "nobody@{account}.onaliyun.com"}, "EntityNotExist.User", 404),
        ({"policy_name": "NoSuchPolicy"}, "EntityNotExist.Policy", 404),
        ({"policy_type": "Managed"}, "InvalidParameter.PolicyType", 400),
        ({"resource_group_id": "rg-none"}, "EntityNotExists.ResourceGroup", 404),
    ],
)
def test_a_bad_attach_policy_gets_its_code(
    cloud: FakeCloud,
    ram_user: Callable[..., Key],
    change: dict[str, str],
    code: str,
    status: int,
) -> None:
    ram_user("commandUser")
    fields = {
        "policy_type": "System",
        "policy_name": "AliyunECSFullAccess",
        "principal_type": "IMSUser",
        "principal_name": "commandUser@{account}.onaliyun.com",
        "resource_group_id": cloud.account_id,
    } | change
    request = rm.AttachPolicyRequest(
        **{k: v.format(account=cloud.account_id) for k, v in fields.items()}
    )
    manager = ManagerClient(sdk_config(cloud.root_access_key))
    error = _refused(lambda: manager.attach_policy(request))
    assert (error.code, error.status_code) == (code, status)
