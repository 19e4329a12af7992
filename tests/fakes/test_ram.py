"""RAM through the official SDK: users, AccessKeys, policies, attachments, key checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.exceptions import ClientException

from fakes import FakeCloud

Key = tuple[str, str]

SIMPLE_POLICY = json.dumps(
    {
        "Version": "1",
        "Statement": [{"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}],
    }
)


def _refused(call: Callable[[], Any]) -> ClientException:
    with pytest.raises(ClientException) as info:
        call()
    return info.value


def _create_user(ram: RamClient, name: str) -> ram_models.CreateUserResponseBodyUser:
    return ram.create_user(ram_models.CreateUserRequest(user_name=name)).body.user


def _create_key(ram: RamClient, user: str) -> Key:
    key = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name=user)).body.access_key
    return key.access_key_id, key.access_key_secret


def _create_policy(ram: RamClient, name: str, document: str = SIMPLE_POLICY) -> Any:
    request = ram_models.CreatePolicyRequest(policy_name=name, policy_document=document)
    return ram.create_policy(request).body.policy


def _attach(ram: RamClient, user: str, policy: str, policy_type: str = "Custom") -> None:
    ram.attach_policy_to_user(
        ram_models.AttachPolicyToUserRequest(
            policy_type=policy_type, policy_name=policy, user_name=user
        )
    )


def _detach(ram: RamClient, user: str, policy: str, policy_type: str = "Custom") -> None:
    ram.detach_policy_from_user(
        ram_models.DetachPolicyFromUserRequest(
            policy_type=policy_type, policy_name=policy, user_name=user
        )
    )


def _user_names(ram: RamClient) -> list[str]:
    users = ram.list_users(ram_models.ListUsersRequest()).body.users.user or []
    return [u.user_name for u in users]


def _policies_of(ram: RamClient, user: str) -> list[tuple[str, str]]:
    body = ram.list_policies_for_user(ram_models.ListPoliciesForUserRequest(user_name=user)).body
    return [(p.policy_type, p.policy_name) for p in body.policies.policy or []]


# ---- users ----------------------------------------------------------------------------------


def test_created_user_is_returned_by_get_and_list(ram: RamClient) -> None:
    created = ram.create_user(
        ram_models.CreateUserRequest(
            user_name="alice", display_name="Alice A.", comments="on-call operator"
        )
    ).body.user

    fetched = ram.get_user(ram_models.GetUserRequest(user_name="alice")).body.user

    assert created.user_name == "alice"
    assert created.user_id
    assert created.create_date.endswith("Z")
    assert (fetched.user_id, fetched.display_name, fetched.comments) == (
        created.user_id,
        "Alice A.",
        "on-call operator",
    )
    assert _user_names(ram) == ["alice"]


def test_list_users_is_empty_in_a_new_account(ram: RamClient) -> None:
    assert _user_names(ram) == []


def test_creating_an_existing_user_is_refused_with_entity_already_exists(ram: RamClient) -> None:
    _create_user(ram, "alice")

    error = _refused(lambda: _create_user(ram, "alice"))

    assert (error.code, error.status_code) == ("EntityAlreadyExists.User", 409)


def test_getting_an_unknown_user_is_refused_with_entity_not_exist(ram: RamClient) -> None:
    error = _refused(lambda: ram.get_user(ram_models.GetUserRequest(user_name="nobody")))

    assert (error.code, error.status_code) == ("EntityNotExist.User", 404)
    assert error.data["Message"] == "The user does not exist."


def test_deleted_user_is_gone(ram: RamClient) -> None:
    _create_user(ram, "alice")

    ram.delete_user(ram_models.DeleteUserRequest(user_name="alice"))

    assert _user_names(ram) == []
    error = _refused(lambda: ram.get_user(ram_models.GetUserRequest(user_name="alice")))
    assert error.code == "EntityNotExist.User"


def test_deleting_an_unknown_user_is_refused_with_entity_not_exist(ram: RamClient) -> None:
    error = _refused(lambda: ram.delete_user(ram_models.DeleteUserRequest(user_name="nobody")))

    assert (error.code, error.status_code) == ("EntityNotExist.User", 404)


@pytest.mark.parametrize("name", ["bad name", "ali/ce", "al!ce", "用户"])
def test_user_name_with_invalid_chars_is_refused(ram: RamClient, name: str) -> None:
    error = _refused(lambda: _create_user(ram, name))

    assert (error.code, error.status_code) == ("InvalidParameter.UserName.InvalidChars", 400)
    assert _user_names(ram) == []


def test_user_name_longer_than_64_chars_is_refused(ram: RamClient) -> None:
    error = _refused(lambda: _create_user(ram, "a" * 65))

    assert (error.code, error.status_code) == ("InvalidParameter.UserName.Length", 400)


def test_user_name_of_64_chars_with_dot_dash_underscore_is_accepted(ram: RamClient) -> None:
    name = "a.b-c_d" + "x" * 57

    assert _create_user(ram, name).user_name == name


def test_user_name_with_an_at_sign_is_refused_as_invalid_chars(ram: RamClient) -> None:
    error = _refused(lambda: _create_user(ram, "alice@example"))

    assert (error.code, error.status_code) == ("InvalidParameter.UserName.InvalidChars", 400)


def test_missing_user_name_is_refused_with_missing_parameter(ram: RamClient) -> None:
    error = _refused(lambda: ram.create_user(ram_models.CreateUserRequest()))

    assert (error.code, error.status_code) == ("MissingParameter", 400)
    assert "UserName" in error.message


def test_user_with_an_access_key_cannot_be_deleted(ram: RamClient) -> None:
    _create_user(ram, "alice")
    _create_key(ram, "alice")

    error = _refused(lambda: ram.delete_user(ram_models.DeleteUserRequest(user_name="alice")))

    assert (error.code, error.status_code) == ("DeleteConflict.User.AccessKey", 409)
    assert _user_names(ram) == ["alice"]


def test_user_with_an_attached_policy_cannot_be_deleted(ram: RamClient) -> None:
    _create_user(ram, "alice")
    _attach(ram, "alice", "AliyunECSReadOnlyAccess", "System")

    error = _refused(lambda: ram.delete_user(ram_models.DeleteUserRequest(user_name="alice")))

    assert (error.code, error.status_code) == ("DeleteConflict.User.Policy", 409)
    assert _user_names(ram) == ["alice"]


# ---- access keys ----------------------------------------------------------------------------


def test_create_access_key_returns_the_secret_and_list_never_shows_it(ram: RamClient) -> None:
    _create_user(ram, "alice")

    created = ram.create_access_key(
        ram_models.CreateAccessKeyRequest(user_name="alice")
    ).body.access_key
    listed = ram.list_access_keys(ram_models.ListAccessKeysRequest(user_name="alice"))

    assert created.access_key_id.startswith("LTAI")
    assert len(created.access_key_secret) >= 30
    assert created.status == "Active"
    keys = listed.body.access_keys.access_key
    assert [(k.access_key_id, k.status) for k in keys] == [(created.access_key_id, "Active")]
    raw = json.dumps(listed.body.to_map())
    assert created.access_key_secret not in raw
    assert "AccessKeySecret" not in raw


def test_third_access_key_is_refused_with_limit_exceeded(ram: RamClient) -> None:
    _create_user(ram, "alice")
    _create_key(ram, "alice")
    _create_key(ram, "alice")

    error = _refused(lambda: _create_key(ram, "alice"))

    assert (error.code, error.status_code) == ("LimitExceeded.User.AccessKey", 409)
    keys = ram.list_access_keys(ram_models.ListAccessKeysRequest(user_name="alice"))
    assert len(keys.body.access_keys.access_key) == 2


def test_access_key_for_unknown_user_is_refused_with_entity_not_exist(ram: RamClient) -> None:
    error = _refused(lambda: _create_key(ram, "nobody"))

    assert (error.code, error.status_code) == ("EntityNotExist.User", 404)


def test_a_new_key_authenticates_its_user(
    ram: RamClient, ram_as: Callable[[Key], RamClient]
) -> None:
    _create_user(ram, "alice")
    _attach(ram, "alice", "AliyunRAMReadOnlyAccess", "System")
    key = _create_key(ram, "alice")

    assert _user_names(ram_as(key)) == ["alice"]


def test_inactive_key_is_refused_with_access_key_disabled_and_works_again_when_active(
    ram: RamClient, ram_as: Callable[[Key], RamClient]
) -> None:
    _create_user(ram, "alice")
    _attach(ram, "alice", "AliyunRAMReadOnlyAccess", "System")
    key = _create_key(ram, "alice")

    def set_status(status: str) -> None:
        ram.update_access_key(
            ram_models.UpdateAccessKeyRequest(
                user_name="alice", user_access_key_id=key[0], status=status
            )
        )

    set_status("Inactive")
    error = _refused(lambda: _user_names(ram_as(key)))
    listed = ram.list_access_keys(ram_models.ListAccessKeysRequest(user_name="alice"))

    assert (error.code, error.status_code) == ("Forbidden.AccessKeyDisabled", 403)
    assert listed.body.access_keys.access_key[0].status == "Inactive"

    set_status("Active")
    assert _user_names(ram_as(key)) == ["alice"]


def test_update_access_key_to_an_unknown_status_is_refused(ram: RamClient) -> None:
    _create_user(ram, "alice")
    key_id, _ = _create_key(ram, "alice")

    error = _refused(
        lambda: ram.update_access_key(
            ram_models.UpdateAccessKeyRequest(
                user_name="alice", user_access_key_id=key_id, status="Paused"
            )
        )
    )

    assert error.status_code == 400
    assert error.code.startswith("InvalidParameter")


def test_deleted_key_is_refused_with_invalid_access_key_id_not_found(
    ram: RamClient, ram_as: Callable[[Key], RamClient]
) -> None:
    _create_user(ram, "alice")
    _attach(ram, "alice", "AliyunRAMReadOnlyAccess", "System")
    key = _create_key(ram, "alice")
    assert _user_names(ram_as(key)) == ["alice"]

    ram.delete_access_key(
        ram_models.DeleteAccessKeyRequest(user_name="alice", user_access_key_id=key[0])
    )
    error = _refused(lambda: _user_names(ram_as(key)))

    assert (error.code, error.status_code) == ("InvalidAccessKeyId.NotFound", 404)
    listed = ram.list_access_keys(ram_models.ListAccessKeysRequest(user_name="alice"))
    assert listed.body.access_keys.access_key == []


def test_deleting_another_users_key_is_refused_with_entity_not_exist(ram: RamClient) -> None:
    _create_user(ram, "alice")
    _create_user(ram, "bob")
    bobs_key, _ = _create_key(ram, "bob")

    error = _refused(
        lambda: ram.delete_access_key(
            ram_models.DeleteAccessKeyRequest(user_name="alice", user_access_key_id=bobs_key)
        )
    )

    assert (error.code, error.status_code) == ("EntityNotExist.User.AccessKey", 404)


def test_deleting_the_users_keys_lets_the_user_be_deleted(ram: RamClient) -> None:
    _create_user(ram, "alice")
    key_id, _ = _create_key(ram, "alice")

    ram.delete_access_key(
        ram_models.DeleteAccessKeyRequest(user_name="alice", user_access_key_id=key_id)
    )
    ram.delete_user(ram_models.DeleteUserRequest(user_name="alice"))

    assert _user_names(ram) == []


# ---- authentication -------------------------------------------------------------------------


def test_wrong_secret_is_refused_with_signature_does_not_match(
    cloud: FakeCloud, ram_as: Callable[[Key], RamClient]
) -> None:
    key_id, secret = cloud.root_access_key

    error = _refused(lambda: _user_names(ram_as((key_id, secret[::-1] + "x"))))

    assert (error.code, error.status_code) == ("SignatureDoesNotMatch", 400)


def test_unknown_key_id_is_refused_with_invalid_access_key_id_not_found(
    cloud: FakeCloud, ram_as: Callable[[Key], RamClient]
) -> None:
    error = _refused(lambda: _user_names(ram_as(("LTAI" + "0" * 20, "s" * 30))))

    assert (error.code, error.status_code) == ("InvalidAccessKeyId.NotFound", 404)


def test_ram_user_without_ram_permissions_is_refused_with_no_permission(
    cloud: FakeCloud, ram: RamClient, ram_as: Callable[[Key], RamClient]
) -> None:
    _create_user(ram, "alice")
    key = _create_key(ram, "alice")

    error = _refused(lambda: _user_names(ram_as(key)))

    assert (error.code, error.status_code) == ("NoPermission", 403)
    detail = error.access_denied_detail
    assert detail is not None
    assert detail["NoPermissionType"] == "ImplicitDeny"
    assert detail["AuthAction"] == "ram:ListUsers"
    assert detail["AuthPrincipalType"] == "SubUser"
    assert detail["AuthPrincipalDisplayName"] == "alice"
    assert detail["AuthPrincipalOwnerId"] == cloud.account_id
    assert error.data["AccessDeniedDetail"] == detail


def test_ram_user_with_ecs_only_policy_cannot_create_users(
    ram: RamClient, ram_as: Callable[[Key], RamClient]
) -> None:
    _create_user(ram, "alice")
    _attach(ram, "alice", "AliyunECSFullAccess", "System")
    key = _create_key(ram, "alice")

    error = _refused(lambda: _create_user(ram_as(key), "mallory"))

    assert (error.code, error.status_code) == ("NoPermission", 403)
    assert error.access_denied_detail["AuthAction"] == "ram:CreateUser"
    assert _user_names(ram) == ["alice"]


@pytest.mark.parametrize(
    "provoke",
    [
        pytest.param(lambda ram: _create_key(ram, "nobody"), id="not-found"),
        pytest.param(lambda ram: _create_user(ram, "bad name"), id="bad-parameter"),
        pytest.param(lambda ram: _create_policy(ram, "p", "{"), id="malformed-policy"),
    ],
)
def test_every_error_body_has_alibabas_envelope(
    ram: RamClient, provoke: Callable[[RamClient], Any]
) -> None:
    error = _refused(lambda: provoke(ram))

    body = error.data
    assert {"RequestId", "HostId", "Code", "Message", "Recommend"} <= set(body)
    assert body["RequestId"] == error.request_id
    assert body["Code"] == error.code
    assert body["HostId"] == "ram.aliyuncs.com"
    assert body["Message"]
    assert body["Recommend"].startswith("https://api.aliyun.com/troubleshoot?")
    assert f"q={error.code}" in body["Recommend"]
    assert f"requestId={error.request_id}" in body["Recommend"]


def test_no_permission_error_body_has_alibabas_envelope(
    ram: RamClient, ram_as: Callable[[Key], RamClient]
) -> None:
    _create_user(ram, "alice")
    key = _create_key(ram, "alice")

    error = _refused(lambda: _user_names(ram_as(key)))

    assert {"RequestId", "HostId", "Code", "Message", "Recommend", "AccessDeniedDetail"} <= set(
        error.data
    )


# ---- policies -------------------------------------------------------------------------------


def test_created_custom_policy_is_returned_by_get_with_its_document(ram: RamClient) -> None:
    created = ram.create_policy(
        ram_models.CreatePolicyRequest(
            policy_name="describe-only", policy_document=SIMPLE_POLICY, description="just looks"
        )
    ).body.policy

    fetched = ram.get_policy(
        ram_models.GetPolicyRequest(policy_name="describe-only", policy_type="Custom")
    ).body

    assert (created.policy_name, created.policy_type, created.default_version) == (
        "describe-only",
        "Custom",
        "v1",
    )
    assert fetched.policy.description == "just looks"
    assert fetched.policy.attachment_count == 0
    assert json.loads(fetched.default_policy_version.policy_document) == json.loads(SIMPLE_POLICY)
    assert fetched.default_policy_version.is_default_version is True


def test_list_policies_has_system_and_custom_policies(ram: RamClient) -> None:
    _create_policy(ram, "describe-only")

    def listed(policy_type: str | None) -> set[tuple[str, str]]:
        body = ram.list_policies(ram_models.ListPoliciesRequest(policy_type=policy_type)).body
        return {(p.policy_type, p.policy_name) for p in body.policies.policy}

    everything = listed(None)

    assert {
        ("System", "AliyunECSReadOnlyAccess"),
        ("System", "AliyunECSFullAccess"),
        ("Custom", "describe-only"),
    } <= everything
    assert listed("Custom") == {("Custom", "describe-only")}
    assert ("System", "AliyunECSReadOnlyAccess") in listed("System")
    assert all(kind == "System" for kind, _ in listed("System"))


def test_system_policy_document_is_readable(ram: RamClient) -> None:
    body = ram.get_policy(
        ram_models.GetPolicyRequest(policy_name="AliyunECSFullAccess", policy_type="System")
    ).body

    document = json.loads(body.default_policy_version.policy_document)
    assert body.policy.policy_type == "System"
    assert document["Version"] == "1"
    assert document["Statement"][0]["Effect"] == "Allow"


def test_getting_a_system_policy_as_custom_is_refused_with_entity_not_exist(
    ram: RamClient,
) -> None:
    error = _refused(
        lambda: ram.get_policy(
            ram_models.GetPolicyRequest(policy_name="AliyunECSFullAccess", policy_type="Custom")
        )
    )

    assert (error.code, error.status_code) == ("EntityNotExist.Policy", 404)


def test_creating_an_existing_policy_is_refused_with_entity_already_exists(
    ram: RamClient,
) -> None:
    _create_policy(ram, "describe-only")

    error = _refused(lambda: _create_policy(ram, "describe-only"))

    assert (error.code, error.status_code) == ("EntityAlreadyExists.Policy", 409)


def test_deleted_policy_is_gone(ram: RamClient) -> None:
    _create_policy(ram, "describe-only")

    ram.delete_policy(ram_models.DeletePolicyRequest(policy_name="describe-only"))

    error = _refused(
        lambda: ram.get_policy(
            ram_models.GetPolicyRequest(policy_name="describe-only", policy_type="Custom")
        )
    )
    assert (error.code, error.status_code) == ("EntityNotExist.Policy", 404)


def test_attached_policy_cannot_be_deleted(ram: RamClient) -> None:
    _create_user(ram, "alice")
    _create_policy(ram, "describe-only")
    _attach(ram, "alice", "describe-only")

    error = _refused(
        lambda: ram.delete_policy(ram_models.DeletePolicyRequest(policy_name="describe-only"))
    )

    assert (error.code, error.status_code) == ("DeleteConflict.Policy.User", 409)
    _detach(ram, "alice", "describe-only")
    ram.delete_policy(ram_models.DeletePolicyRequest(policy_name="describe-only"))


@pytest.mark.parametrize(
    ("document", "named"),
    [
        pytest.param('{"Version": "1", "Statement": [', "JSON", id="bad-json"),
        pytest.param(
            json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}],
                }
            ),
            "2012-10-17",
            id="aws-version",
        ),
        pytest.param(
            json.dumps(
                {
                    "Version": "1",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "ecs:RunCommand",
                            "Resource": "*",
                            "Condition": {"StringEqualz": {"ecs:CommandRunAs": "user01"}},
                        }
                    ],
                }
            ),
            "StringEqualz",
            id="unknown-operator",
        ),
    ],
)
def test_malformed_document_is_refused_with_a_message_naming_the_problem(
    ram: RamClient, document: str, named: str
) -> None:
    error = _refused(lambda: _create_policy(ram, "broken", document))

    assert (error.code, error.status_code) == ("MalformedPolicyDocument", 400)
    assert named in error.data["Message"]
    listed = ram.list_policies(ram_models.ListPoliciesRequest(policy_type="Custom")).body
    assert listed.policies.policy == []


def _document_of_length(length: int) -> str:
    head = '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:DescribeInstances",'
    tail = '"Resource":"*"}]}'
    padding = length - len(head) - len(tail)
    document = head + " " * padding + tail
    assert len(document) == length
    return document


def test_document_of_6144_chars_is_accepted(ram: RamClient) -> None:
    assert _create_policy(ram, "longest", _document_of_length(6144)).policy_name == "longest"


def test_document_of_6145_chars_is_refused_with_invalid_length(ram: RamClient) -> None:
    error = _refused(lambda: _create_policy(ram, "too-long", _document_of_length(6145)))

    assert (error.code, error.status_code) == ("InvalidParameter.PolicyDocument.Length", 400)


def test_policy_name_with_invalid_chars_is_refused(ram: RamClient) -> None:
    error = _refused(lambda: _create_policy(ram, "no_underscores"))

    assert (error.code, error.status_code) == ("InvalidParameter.PolicyName.InvalidChars", 400)


# ---- attachments ----------------------------------------------------------------------------


def test_attached_policies_are_listed_for_the_user_until_detached(ram: RamClient) -> None:
    _create_user(ram, "alice")
    _create_policy(ram, "describe-only")

    _attach(ram, "alice", "describe-only")
    _attach(ram, "alice", "AliyunECSReadOnlyAccess", "System")
    attached = _policies_of(ram, "alice")
    count = ram.get_policy(
        ram_models.GetPolicyRequest(policy_name="describe-only", policy_type="Custom")
    ).body.policy.attachment_count

    assert sorted(attached) == [("Custom", "describe-only"), ("System", "AliyunECSReadOnlyAccess")]
    assert count == 1

    _detach(ram, "alice", "describe-only")
    assert _policies_of(ram, "alice") == [("System", "AliyunECSReadOnlyAccess")]


def test_attaching_a_policy_twice_is_refused_with_entity_already_exists(ram: RamClient) -> None:
    _create_user(ram, "alice")
    _attach(ram, "alice", "AliyunECSReadOnlyAccess", "System")

    error = _refused(lambda: _attach(ram, "alice", "AliyunECSReadOnlyAccess", "System"))

    assert (error.code, error.status_code) == ("EntityAlreadyExists.User.Policy", 409)
    assert _policies_of(ram, "alice") == [("System", "AliyunECSReadOnlyAccess")]


def test_detaching_a_policy_not_attached_is_refused_with_entity_not_exist(ram: RamClient) -> None:
    _create_user(ram, "alice")

    error = _refused(lambda: _detach(ram, "alice", "AliyunECSReadOnlyAccess", "System"))

    assert (error.code, error.status_code) == ("EntityNotExist.User.Policy", 404)


def test_attaching_an_unknown_policy_is_refused_with_entity_not_exist(ram: RamClient) -> None:
    _create_user(ram, "alice")

    error = _refused(lambda: _attach(ram, "alice", "no-such-policy"))

    assert (error.code, error.status_code) == ("EntityNotExist.Policy", 404)


def test_attaching_to_an_unknown_user_is_refused_with_entity_not_exist(ram: RamClient) -> None:
    error = _refused(lambda: _attach(ram, "nobody", "AliyunECSReadOnlyAccess", "System"))

    assert (error.code, error.status_code) == ("EntityNotExist.User", 404)


def test_unknown_policy_type_is_refused_with_invalid_policy_type(ram: RamClient) -> None:
    _create_user(ram, "alice")

    error = _refused(lambda: _attach(ram, "alice", "AliyunECSReadOnlyAccess", "Managed"))

    assert (error.code, error.status_code) == ("InvalidParameter.PolicyType", 400)
    assert _policies_of(ram, "alice") == []


def test_eleventh_custom_policy_is_refused_with_limit_exceeded(ram: RamClient) -> None:
    _create_user(ram, "alice")
    for n in range(11):
        _create_policy(ram, f"policy-{n}")
    for n in range(10):
        _attach(ram, "alice", f"policy-{n}")

    error = _refused(lambda: _attach(ram, "alice", "policy-10"))

    assert (error.code, error.status_code) == ("LimitExceeded.User.Policy", 409)
    assert len(_policies_of(ram, "alice")) == 10
    _attach(ram, "alice", "AliyunECSReadOnlyAccess", "System")  # system policies count apart


def test_the_owner_must_name_the_user_whose_key_to_create(ram: RamClient) -> None:
    """The owner's own AccessKeys are not modelled; asking for one is a named refusal."""
    with pytest.raises(ClientException) as refused:
        ram.create_access_key(ram_models.CreateAccessKeyRequest())
    assert (refused.value.code, refused.value.status_code) == ("MissingParameter", 400)
    assert '"UserName"' in refused.value.message
