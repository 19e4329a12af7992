"""RAM (2015-05-01): users, AccessKeys, custom and system policies, and their attachments.

State and actions only; the account (`fakes.cloud`) authenticates keys and evaluates policies
through `keys_by_id` and `policies_for`. Codes and statuses: shared/reference section 6.4.
"""

from __future__ import annotations

from datetime import datetime

from fakes.clock import iso
from fakes.errors import ApiError, missing_parameter
from fakes.ids import IdFactory
from fakes.policy import CompiledPolicy, PolicyError, PolicySource, compile_policy
from fakes.services.base import Call, Principal, Response, Service, action
from fakes.services.ram_models import (
    MAX_KEYS_PER_USER,
    MAX_POLICY_DOCUMENT,
    MAX_POLICY_VERSIONS,
    POLICY_NAME,
    USER_NAME,
    AccessKey,
    Policy,
    PolicyVersion,
    Role,
    User,
    attach,
    checked_name,
    detach,
    not_found,
)
from fakes.services.ram_roles import RamRoles
from fakes.services.system_policies import SYSTEM_POLICIES


class RamService(RamRoles, Service):
    product = "ram"

    def __init__(self, account_id: str, ids: IdFactory, created: datetime) -> None:
        self.account_id = account_id
        self._ids = ids
        self.users: dict[str, User] = {}
        self.roles: dict[str, Role] = {}
        self.keys: dict[str, AccessKey] = {}
        self.custom: dict[str, Policy] = {}
        self.system: dict[str, Policy] = {}
        for builtin in SYSTEM_POLICIES.values():
            policy = Policy(builtin.name, "System", builtin.description, created)
            policy.add_version(builtin.document, compile_policy(builtin.document), created)
            self.system[builtin.name] = policy

    # ---- what the account asks of RAM -------------------------------------------------------

    def key(self, access_key_id: str) -> AccessKey | None:
        return self.keys.get(access_key_id)

    def policies_for(self, principal: Principal) -> list[tuple[PolicySource, CompiledPolicy]]:
        """The identity policies of a RAM user or an assumed role, each at its default version."""
        holder = (
            self.users.get(principal.name)
            if principal.kind == "SubUser"
            else self.roles.get(principal.name)
        )
        if holder is None:
            return []
        found = []
        for policy_type, name, _ in holder.policies:
            policy = self._policy(policy_type, name)
            found.append((policy.source, policy.default.compiled))
        return found

    # ---- helpers ----------------------------------------------------------------------------

    def _arn(self, kind: str, name: str) -> str:
        return f"acs:ram:*:{self.account_id}:{kind}/{name}"

    def _user(self, name: str) -> User:
        user = self.users.get(name)
        if user is None:
            raise not_found("User")
        return user

    def _policy(self, policy_type: str, name: str) -> Policy:
        table = self.system if policy_type == "System" else self.custom
        policy = table.get(name)
        if policy is None:
            raise not_found("Policy")
        return policy

    @staticmethod
    def _policy_type(call: Call, *, required: bool = True) -> str | None:
        value = call.params.require("PolicyType") if required else call.params.text("PolicyType")
        if value is not None and value not in ("System", "Custom"):
            raise ApiError(
                "InvalidParameter.PolicyType",
                'The parameter - "PolicyType" is incorrect.',
                400,
            )
        return value

    @staticmethod
    def _user_name(call: Call) -> str:
        return checked_name(call.params.require("UserName"), "UserName", 64, USER_NAME)

    # ---- users ------------------------------------------------------------------------------

    @action("CreateUser")
    def create_user(self, call: Call) -> Response:
        name = self._user_name(call)
        call.authorize(self._arn("user", name))
        if name in self.users:
            raise ApiError("EntityAlreadyExists.User", "The user does already EXIST.", 409)
        user = User(
            user_id=self._ids.user_id(),
            name=name,
            display_name=call.params.text("DisplayName", name) or name,
            comments=call.params.text("Comments", "") or "",
            created=call.now,
            updated=call.now,
        )
        self.users[name] = user
        return {"User": user.view()}

    @action("GetUser")
    def get_user(self, call: Call) -> Response:
        name = self._user_name(call)
        call.authorize(self._arn("user", name))
        return {"User": self._user(name).view()}

    @action("ListUsers")
    def list_users(self, call: Call) -> Response:
        call.authorize(self._arn("user", "*"))
        users = [u.view() for u in sorted(self.users.values(), key=lambda u: u.name)]
        return {"Users": {"User": users}, "IsTruncated": False}

    @action("DeleteUser")
    def delete_user(self, call: Call) -> Response:
        name = self._user_name(call)
        call.authorize(self._arn("user", name))
        user = self._user(name)
        if user.keys:
            raise ApiError(
                "DeleteConflict.User.AccessKey",
                "The user CAN NOT has any access key while deleting the user.",
                409,
            )
        if user.policies:
            raise ApiError(
                "DeleteConflict.User.Policy",
                "The user CAN NOT has any attached policy while deleting the user.",
                409,
            )
        del self.users[name]
        return {}

    # ---- access keys ------------------------------------------------------------------------

    def _key_owner(self, call: Call) -> User:
        # Without UserName, the key calls act on the caller's own keys.
        if call.caller.is_account_owner and not call.params.text("UserName"):
            # The owner's own AccessKeys are not modelled: name the RAM user whose keys you mean.
            raise missing_parameter("UserName")
        name = call.params.text("UserName") or call.caller.name
        call.authorize(self._arn("user", name))
        return self._user(name)

    def _owned_key(self, call: Call, user: User) -> AccessKey:
        key_id = call.params.require("UserAccessKeyId")
        key = self.keys.get(key_id)
        if key is None or key.user_name != user.name:
            raise not_found("User.AccessKey")
        return key

    @action("CreateAccessKey")
    def create_access_key(self, call: Call) -> Response:
        user = self._key_owner(call)
        if len(user.keys) >= MAX_KEYS_PER_USER:
            raise ApiError(
                "LimitExceeded.User.AccessKey",
                f"The access keys of the user exceed the limit ({MAX_KEYS_PER_USER}).",
                409,
            )
        key = AccessKey(
            self._ids.access_key_id(), self._ids.access_key_secret(), user.name, call.now
        )
        self.keys[key.access_key_id] = key
        user.keys.append(key.access_key_id)
        return {
            "AccessKey": {
                "AccessKeyId": key.access_key_id,
                "AccessKeySecret": key.secret,
                "Status": key.status,
                "CreateDate": iso(key.created),
            }
        }

    @action("ListAccessKeys")
    def list_access_keys(self, call: Call) -> Response:
        user = self._key_owner(call)
        keys = [self.keys[k] for k in user.keys]
        return {
            "AccessKeys": {
                "AccessKey": [
                    {
                        "AccessKeyId": k.access_key_id,
                        "Status": k.status,
                        "CreateDate": iso(k.created),
                    }
                    for k in keys
                ]
            }
        }

    @action("UpdateAccessKey")
    def update_access_key(self, call: Call) -> Response:
        user = self._key_owner(call)
        key = self._owned_key(call, user)
        status = call.params.require("Status")
        if status not in ("Active", "Inactive"):
            raise ApiError(
                "InvalidParameter.Status",
                'The parameter "Status" must be "Active" or "Inactive".',
                400,
            )
        key.status = status
        return {}

    @action("DeleteAccessKey")
    def delete_access_key(self, call: Call) -> Response:
        user = self._key_owner(call)
        key = self._owned_key(call, user)
        user.keys.remove(key.access_key_id)
        del self.keys[key.access_key_id]
        return {}

    # ---- policies ---------------------------------------------------------------------------

    def _compiled(self, call: Call) -> tuple[str, CompiledPolicy]:
        document = call.params.require("PolicyDocument")
        if len(document) > MAX_POLICY_DOCUMENT:
            raise ApiError(
                "InvalidParameter.PolicyDocument.Length",
                f'The length of the parameter "PolicyDocument" exceeds the limit '
                f"(1-{MAX_POLICY_DOCUMENT}).",
                400,
            )
        try:
            return document, compile_policy(document)
        except PolicyError as e:
            raise ApiError("MalformedPolicyDocument", str(e), 400) from None

    @action("CreatePolicy")
    def create_policy(self, call: Call) -> Response:
        name = checked_name(call.params.require("PolicyName"), "PolicyName", 128, POLICY_NAME)
        description = call.params.text("Description", "") or ""
        if len(description) > 1024:
            raise ApiError(
                "InvalidParameter.Description.Length",
                'The length of the parameter "Description" exceeds the limit (1024).',
                400,
            )
        document, compiled = self._compiled(call)
        call.authorize(self._arn("policy", name))
        if name in self.custom or name in self.system:
            raise ApiError("EntityAlreadyExists.Policy", "The policy does already EXIST.", 409)
        policy = Policy(name, "Custom", description, call.now)
        policy.add_version(document, compiled, call.now)
        self.custom[name] = policy
        view = policy.view()
        del view["AttachmentCount"], view["UpdateDate"]
        return {"Policy": view}

    @action("GetPolicy")
    def get_policy(self, call: Call) -> Response:
        policy = self._named_policy(call)
        return {
            "Policy": {**policy.view(), "PolicyDocument": policy.default.document},
            "DefaultPolicyVersion": policy.version_view(policy.default),
        }

    def _named_policy(self, call: Call, *, policy_type: str | None = None) -> Policy:
        name = call.params.require("PolicyName")
        kind = policy_type or self._policy_type(call)
        assert kind is not None
        call.authorize(self._arn("policy", name))
        return self._policy(kind, name)

    @action("ListPolicies")
    def list_policies(self, call: Call) -> Response:
        policy_type = self._policy_type(call, required=False)
        call.authorize(self._arn("policy", "*"))
        chosen = [
            p
            for table in (self.system, self.custom)
            for p in table.values()
            if policy_type in (None, p.type)
        ]
        return {"Policies": {"Policy": [p.view() for p in chosen]}, "IsTruncated": False}

    @action("DeletePolicy")
    def delete_policy(self, call: Call) -> Response:
        policy = self._named_policy(call, policy_type="Custom")
        if policy.attachments:
            raise ApiError(
                "DeleteConflict.Policy.User",
                "The policy CAN NOT been attached to any user while deleting the policy.",
                409,
            )
        if len(policy.versions) > 1 and not call.params.flag("CascadingDelete"):
            raise ApiError(
                "DeleteConflict.Policy.Version",
                "The policy CAN NOT has any version except the default version.",
                409,
            )
        del self.custom[policy.name]
        return {}

    # ---- policy versions --------------------------------------------------------------------

    def _version(self, call: Call, policy: Policy) -> PolicyVersion:
        version_id = call.params.require("VersionId")
        if not (version_id.startswith("v") and version_id[1:].isdigit()):
            raise ApiError(
                "InvalidParameter.VersionId.Format",
                'The parameter "VersionId" is wrongly formed.',
                400,
            )
        version = policy.versions.get(version_id)
        if version is None:
            raise not_found("Policy.Version")
        return version

    @action("CreatePolicyVersion")
    def create_policy_version(self, call: Call) -> Response:
        document, compiled = self._compiled(call)
        policy = self._named_policy(call, policy_type="Custom")
        if len(policy.versions) >= MAX_POLICY_VERSIONS:
            strategy = call.params.text("RotateStrategy", "None")
            if strategy != "DeleteOldestNonDefaultVersionWhenLimitExceeded":
                raise ApiError(
                    "LimitExceeded.Policy.Version",
                    f"The policy can have at most {MAX_POLICY_VERSIONS} versions.",
                    409,
                )
            oldest = min(
                (v for v in policy.versions.values() if v.version_id != policy.default_version),
                key=lambda v: int(v.version_id[1:]),
            )
            del policy.versions[oldest.version_id]
        version = policy.add_version(document, compiled, call.now)
        if call.params.flag("SetAsDefault"):
            policy.default_version = version.version_id
        return {"PolicyVersion": policy.version_view(version)}

    @action("GetPolicyVersion")
    def get_policy_version(self, call: Call) -> Response:
        policy = self._named_policy(call)
        return {"PolicyVersion": policy.version_view(self._version(call, policy))}

    @action("ListPolicyVersions")
    def list_policy_versions(self, call: Call) -> Response:
        policy = self._named_policy(call)
        versions = sorted(policy.versions.values(), key=lambda v: int(v.version_id[1:]))
        return {"PolicyVersions": {"PolicyVersion": [policy.version_view(v) for v in versions]}}

    @action("SetDefaultPolicyVersion")
    def set_default_policy_version(self, call: Call) -> Response:
        policy = self._named_policy(call, policy_type="Custom")
        policy.default_version = self._version(call, policy).version_id
        policy.updated = call.now
        return {}

    @action("DeletePolicyVersion")
    def delete_policy_version(self, call: Call) -> Response:
        policy = self._named_policy(call, policy_type="Custom")
        version = self._version(call, policy)
        if version.version_id == policy.default_version:
            raise ApiError(
                "DeleteConflict.Policy.Version.Default",  # A14
                "The default version of the policy CAN NOT be deleted.",
                409,
            )
        del policy.versions[version.version_id]
        return {}

    # ---- attachments ------------------------------------------------------------------------

    def _attachment(self, call: Call) -> tuple[User, Policy]:
        policy_type = self._policy_type(call)
        assert policy_type is not None
        policy_name = call.params.require("PolicyName")
        user_name = self._user_name(call)
        call.authorize(self._arn("policy", policy_name))
        call.authorize(self._arn("user", user_name))
        return self._user(user_name), self._policy(policy_type, policy_name)

    @action("AttachPolicyToUser")
    def attach_policy_to_user(self, call: Call) -> Response:
        user, policy = self._attachment(call)
        attach(user.policies, policy, call.now, "User")
        return {}

    @action("DetachPolicyFromUser")
    def detach_policy_from_user(self, call: Call) -> Response:
        user, policy = self._attachment(call)
        detach(user.policies, policy, "User")
        return {}

    @action("ListPoliciesForUser")
    def list_policies_for_user(self, call: Call) -> Response:
        name = self._user_name(call)
        call.authorize(self._arn("user", name))
        user = self._user(name)
        return {"Policies": {"Policy": [self._attached_view(t, n, w) for t, n, w in user.policies]}}
