"""Removing one resource, as the ledger's unwind and `python -m harness cleanup` do: by the name
the ledger recorded before the create, whatever the create got to do; already gone counts as
removed."""

from __future__ import annotations

import base64

import pytest
from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ram20150501 import models as ram

from harness.provisioning.cleanup import Remover
from harness.provisioning.ledger import Resource
from harness.sdk.clients import Clients
from harness.sdk.gateway import Gateway, Refusal

from .conftest import REGION

NAME = "runas-1a2b3c4d-probe"
USER = "runas-1a2b3c4d-commandUser"


@pytest.fixture
def remover(gateway: Gateway, clients: Clients) -> Remover:
    return Remover(gateway, lambda owner: clients)


def save(clients: Clients, gateway: Gateway, name: str = NAME) -> str:
    request = ecs.CreateCommandRequest(
        region_id=REGION,
        name=name,
        type="RunShellScript",
        command_content=base64.b64encode(b"whoami").decode("ascii"),
        content_encoding="Base64",
    )
    answer = gateway.call(clients.caller, clients.ecs(REGION).create_command, request)
    return str(answer.body.command_id)


def saved(clients: Clients, gateway: Gateway) -> list[str]:
    request = ecs.DescribeCommandsRequest(region_id=REGION)
    answer = gateway.call(clients.caller, clients.ecs(REGION).describe_commands, request)
    return [str(c.name) for c in answer.body.commands.command or []]


def test_a_saved_command_already_deleted_counts_as_removed(
    remover: Remover, clients: Clients, gateway: Gateway
) -> None:
    """DeleteCommand of a command that is gone answers `InvalidCmdId.NotFound`."""
    command_id = save(clients, gateway)
    delete = ecs.DeleteCommandRequest(region_id=REGION, command_id=command_id)
    gateway.call(clients.caller, clients.ecs(REGION).delete_command, delete)
    with pytest.raises(Refusal) as again:
        gateway.call(clients.caller, clients.ecs(REGION).delete_command, delete)
    assert again.value.code == "InvalidCmdId.NotFound"

    remover(Resource("command", NAME, region=REGION, detail={"CommandId": command_id}))


def test_a_command_whose_create_lost_its_answer_is_found_by_name(
    remover: Remover, clients: Clients, gateway: Gateway
) -> None:
    """CreateCommand saved it, but the harness never heard the id: the name finds it."""
    save(clients, gateway)
    save(clients, gateway, "runas-1a2b3c4d-probe-other")
    remover(Resource("command", NAME, "commandUser", REGION))
    assert saved(clients, gateway) == ["runas-1a2b3c4d-probe-other"]


def test_a_command_whose_create_never_arrived_counts_as_removed(remover: Remover) -> None:
    remover(Resource("command", NAME, "commandUser", REGION))


def test_a_user_with_access_keys_is_removed_with_them(
    remover: Remover, clients: Clients, gateway: Gateway
) -> None:
    """RAM refuses to delete a user who still has keys (`DeleteConflict.User.AccessKey`), and an
    interrupted CreateAccessKey leaves a key whose id the ledger never heard."""
    iam = clients.ram
    gateway.call(clients.caller, iam.create_user, ram.CreateUserRequest(user_name=USER))
    gateway.call(clients.caller, iam.create_access_key, ram.CreateAccessKeyRequest(user_name=USER))
    with pytest.raises(Refusal) as conflict:
        gateway.call(clients.caller, iam.delete_user, ram.DeleteUserRequest(user_name=USER))
    assert conflict.value.code == "DeleteConflict.User.AccessKey"

    remover(Resource("user", USER))
    users = gateway.call(clients.caller, iam.list_users, ram.ListUsersRequest()).body.users.user
    assert [u.user_name for u in users] == []


def test_the_access_keys_of_a_user_are_removed_by_the_users_name(
    remover: Remover, clients: Clients, gateway: Gateway
) -> None:
    iam = clients.ram
    gateway.call(clients.caller, iam.create_user, ram.CreateUserRequest(user_name=USER))
    for _ in range(2):
        request = ram.CreateAccessKeyRequest(user_name=USER)
        gateway.call(clients.caller, iam.create_access_key, request)
    remover(Resource("access_keys", USER))
    listed = ram.ListAccessKeysRequest(user_name=USER)
    assert (
        gateway.call(clients.caller, iam.list_access_keys, listed).body.access_keys.access_key == []
    )


def test_the_access_keys_of_a_user_never_created_count_as_removed(remover: Remover) -> None:
    remover(Resource("access_keys", USER))
    remover(Resource("user", USER))
