"""RAM users, their AccessKeys, and the policies attached to them."""

from __future__ import annotations

from fakes.clock import iso
from fakes.errors import ApiError, missing_parameter
from fakes.services.base import Call, Response, action
from fakes.services.ram import errors
from fakes.services.ram.base import RamBase
from fakes.services.ram.state import MAX_KEYS_PER_USER, AccessKey, Policy, User, attach, detach


class UserActions(RamBase):
    """Users, AccessKeys and user policy attachments."""

    # ---- users ------------------------------------------------------------------------------

    @action("CreateUser")
    def create_user(self, call: Call) -> Response:
        name = self._user_name(call)
        call.authorize(self._arn("user", name))
        if name in self.users:
            raise errors.already_exists("User")
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
        users, more = self._page(call, sorted(self.users.values(), key=lambda u: u.name))
        return {"Users": {"User": [u.view() for u in users]}, **more}

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
        if any(name in group.members for group in self.groups.values()):
            raise errors.delete_conflict("User.Group")
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
            raise errors.not_found("User.AccessKey")
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
        attach(user.policies, policy, call.now, "User", self._scope(call))
        return {}

    @action("DetachPolicyFromUser")
    def detach_policy_from_user(self, call: Call) -> Response:
        user, policy = self._attachment(call)
        detach(user.policies, policy, "User", self._scope(call))
        return {}

    @action("ListPoliciesForUser")
    def list_policies_for_user(self, call: Call) -> Response:
        name = self._user_name(call)
        call.authorize(self._arn("user", name))
        user = self._user(name)
        return {"Policies": {"Policy": [self._attached_view(a) for a in user.policies]}}
