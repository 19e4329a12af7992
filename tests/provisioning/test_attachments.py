"""One description of a policy attachment gives its create call, its ledger entry and its
removal, through RAM or through Resource Manager; what provision mode attaches through Resource
Manager the ledger's unwind detaches, at the scope it was made for."""

from __future__ import annotations

from pathlib import Path

import pytest
from alibabacloud_ram20150501 import models as ram
from alibabacloud_resourcemanager20200331 import models as rm

from fakes import FakeCloud
from harness.config.names import Names
from harness.config.policies import PolicyLibrary
from harness.errors import HarnessError
from harness.provisioning.attachments import Attachment, principal_name
from harness.provisioning.cleanup import Remover
from harness.provisioning.grants import GrantProvisioner
from harness.provisioning.ledger import CleanupLedger, Resource
from harness.provisioning.workshop import Workshop
from harness.sdk.clients import Clients, Principal
from harness.sdk.gateway import Gateway

from .conftest import REGION

LIBRARY = PolicyLibrary(Path(__file__).resolve().parents[2] / "features" / "policies")
USER = "commandUser"


@pytest.mark.parametrize(
    "attachment",
    [
        Attachment("User", USER, "Custom", "p"),
        Attachment("User", USER, "System", "p", "rg-1"),
        Attachment("Group", "g", "System", "p"),
        Attachment("Group", "g", "System", "p", "rg-1"),
        Attachment("Role", "r", "Custom", "p"),
        Attachment("Role", "r", "Custom", "p", "rg-1"),
        Attachment(
            "User", USER, "System", "p", "rg-1", "resourcemanager", f"{USER}@a.onaliyun.com"
        ),
    ],
)
def test_a_ledger_entry_remembers_the_whole_attachment(attachment: Attachment) -> None:
    entry = attachment.resource()
    assert Resource.from_json(entry.to_json()) == entry
    assert Attachment.of(entry) == attachment


def test_the_ledger_keeps_the_kinds_it_always_wrote() -> None:
    assert Attachment("User", USER, "System", "p").resource() == Resource(
        "user_policy", "p", detail={"PolicyType": "System", "UserName": USER}
    )
    assert Attachment("User", USER, "System", "p", "rg-1").resource() == Resource(
        "scoped_user_policy",
        "p",
        detail={"PolicyType": "System", "UserName": USER, "ResourceGroupId": "rg-1"},
    )


@pytest.fixture
def user(clients: Clients, gateway: Gateway) -> str:
    """commandUser with one policy at account level (so Resource Manager lists its name)."""
    gateway.call(clients.caller, clients.ram.create_user, ram.CreateUserRequest(user_name=USER))
    attach = ram.AttachPolicyToUserRequest(
        policy_type="System", policy_name="AliyunECSReadOnlyAccess", user_name=USER
    )
    gateway.call(clients.caller, clients.ram.attach_policy_to_user, attach)
    return USER


def _grants(owner: Principal, gateway: Gateway, ledger: CleanupLedger) -> GrantProvisioner:
    workshop = Workshop(gateway, ledger, LIBRARY, Names(), REGION, None)
    return GrantProvisioner(owner, workshop, disposable=True)


def _scopes(clients: Clients, gateway: Gateway, account: str) -> list[tuple[str, str]]:
    request = rm.ListPolicyAttachmentsRequest(principal_type="IMSUser", page_size=100)
    body = gateway.call(clients.caller, clients.resource_manager.list_policy_attachments, request)
    rows = body.body.policy_attachments.policy_attachment or []
    return sorted((str(a.policy_name), str(a.resource_group_id)) for a in rows)


def test_an_attachment_through_resource_manager_is_written_ahead_and_unwound(
    fake_cloud: FakeCloud, owner: Principal, clients: Clients, gateway: Gateway, user: str
) -> None:
    ledger = CleanupLedger()
    ledger.remove = Remover(gateway, lambda _: clients)
    grants = _grants(owner, gateway, ledger)
    instance = fake_cloud.add_instance(os="linux", region=REGION, users=["user01"])
    group = grants.resource_group_of(instance)
    grants.scoped(user, ["AliyunECSFullAccess", "runAsGuard"], group, via="resourcemanager")

    principal = f"{USER}@{fake_cloud.account_id}.onaliyun.com"
    assert [(r.kind, r.name) for r in ledger] == [
        ("managed_policy_attachment", "AliyunECSFullAccess"),
        ("policy", "runAsGuard"),
        ("managed_policy_attachment", "runAsGuard"),
    ]
    assert next(iter(ledger)).detail == {
        "PolicyType": "System",
        "PrincipalType": "IMSUser",
        "PrincipalName": principal,
        "ResourceGroupId": group,
    }
    account = fake_cloud.account_id
    assert _scopes(clients, gateway, account) == sorted(
        [
            ("AliyunECSFullAccess", group),
            ("AliyunECSReadOnlyAccess", account),
            ("runAsGuard", group),
        ]
    )
    calls = [r.action for r in gateway.evidence.records]
    assert calls.count("AttachPolicy") == 2
    assert "AttachPolicyToUser" in calls[:2]  # only the fixture's, at account level

    # Resource Manager names the user with the account alias, the account id by default: the
    # evidence shows neither.
    assert fake_cloud.account_id not in gateway.evidence.text()
    assert f"PrincipalName={USER}@<alias>.onaliyun.com" in gateway.evidence.text()

    assert ledger.unwind() == []
    assert _scopes(clients, gateway, account) == [("AliyunECSReadOnlyAccess", account)]
    assert [r.action for r in gateway.evidence.records].count("DetachPolicy") == 2


def test_a_holder_resource_manager_lists_nothing_for_is_one_line(
    clients: Clients, gateway: Gateway
) -> None:
    with pytest.raises(HarnessError) as info:
        principal_name(gateway, clients.caller, clients, "User", "nobody")
    assert str(info.value) == (
        "Resource Manager lists no policy attached to the user `nobody`, so its principal name "
        "(with the account alias) is unknown: give it a policy through RAM first"
    )
