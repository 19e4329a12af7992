"""RAM user groups: their members and the policies attached to them, which count for every
member (reference paths-to-root section 4). Codes and messages: [D-RAM-ERR]."""

from __future__ import annotations

from fakes.clock import iso
from fakes.errors import ApiError
from fakes.services.base import Call, Response, action
from fakes.services.ram import errors
from fakes.services.ram.base import RamBase
from fakes.services.ram.state import (
    GROUP_NAME,
    MAX_GROUPS,
    MAX_GROUPS_PER_USER,
    Group,
    Policy,
    attach,
    detach,
)

#: CreateGroup's and UpdateGroup's comments: up to 128 characters (RAM SDK).
MAX_COMMENTS = 128


def _comments(call: Call, param: str) -> str | None:
    value = call.params.text(param)
    if value is not None and len(value) > MAX_COMMENTS:
        raise ApiError(
            f"InvalidParameter.{param}.Length",
            f'The parameter - "{param}" beyond the length limit.',
            400,
        )
    return value


class GroupActions(RamBase):
    """Groups, their members and group policy attachments."""

    def _named_group(self, call: Call) -> Group:
        name = self._group_name(call)
        call.authorize(self._arn("group", name))
        return self._group(name)

    @action("CreateGroup")
    def create_group(self, call: Call) -> Response:
        name = self._group_name(call)
        comments = _comments(call, "Comments") or ""
        call.authorize(self._arn("group", name))
        if name in self.groups:
            raise errors.already_exists("Group")
        if len(self.groups) >= MAX_GROUPS:
            raise errors.too_many_groups()
        group = Group(self._ids.user_id(), name, comments, call.now, call.now)
        self.groups[name] = group
        view = group.view()
        del view["UpdateDate"]
        return {"Group": view}

    @action("GetGroup")
    def get_group(self, call: Call) -> Response:
        return {"Group": self._named_group(call).view()}

    @action("ListGroups")
    def list_groups(self, call: Call) -> Response:
        call.authorize(self._arn("group", "*"))
        groups, more = self._page(call, sorted(self.groups.values(), key=lambda g: g.name))
        return {"Groups": {"Group": [g.view() for g in groups]}, **more}

    @action("UpdateGroup")
    def update_group(self, call: Call) -> Response:
        new_name = call.params.text("NewGroupName")
        if new_name is not None:
            errors.checked_name(new_name, "NewGroupName", 64, GROUP_NAME)
        comments = _comments(call, "NewComments")
        group = self._named_group(call)
        if new_name is not None and new_name != group.name:
            call.authorize(self._arn("group", new_name))
            if new_name in self.groups:
                raise errors.already_exists("Group")
            del self.groups[group.name]
            group.name = new_name
            self.groups[new_name] = group
        if comments is not None:
            group.comments = comments
        group.updated = call.now
        return {"Group": group.view()}

    @action("DeleteGroup")
    def delete_group(self, call: Call) -> Response:
        group = self._named_group(call)
        if group.members:
            raise errors.delete_conflict("Group.User")
        if group.policies:
            raise errors.delete_conflict("Group.Policy")
        del self.groups[group.name]
        return {}

    # ---- members ----------------------------------------------------------------------------

    def _membership(self, call: Call) -> tuple[Group, str]:
        group_name = self._group_name(call)
        user_name = self._user_name(call)
        call.authorize(self._arn("group", group_name))
        call.authorize(self._arn("user", user_name))
        self._user(user_name)
        return self._group(group_name), user_name

    @action("AddUserToGroup")
    def add_user_to_group(self, call: Call) -> Response:
        group, user = self._membership(call)
        if user in group.members:
            raise errors.already_joined()
        if sum(1 for g in self.groups.values() if user in g.members) >= MAX_GROUPS_PER_USER:
            raise errors.too_many_groups_joined()
        group.members[user] = call.now
        return {}

    @action("RemoveUserFromGroup")
    def remove_user_from_group(self, call: Call) -> Response:
        group, user = self._membership(call)
        if group.members.pop(user, None) is None:
            raise errors.not_found("User.Group")
        return {}

    @action("ListGroupsForUser")
    def list_groups_for_user(self, call: Call) -> Response:
        name = self._user_name(call)
        call.authorize(self._arn("user", name))
        self._user(name)
        joined = [
            {
                "GroupId": g.group_id,
                "GroupName": g.name,
                "Comments": g.comments,
                "JoinDate": iso(g.members[name]),
            }
            for g in sorted(self.groups.values(), key=lambda g: g.name)
            if name in g.members
        ]
        return {"Groups": {"Group": joined}}

    @action("ListUsersForGroup")
    def list_users_for_group(self, call: Call) -> Response:
        group = self._named_group(call)
        names, more = self._page(call, sorted(group.members))
        users = [
            {
                "UserName": n,
                "DisplayName": self.users[n].display_name,
                "JoinDate": iso(group.members[n]),
            }
            for n in names
        ]
        return {"Users": {"User": users}, **more}

    # ---- policies ---------------------------------------------------------------------------

    def _group_attachment(self, call: Call) -> tuple[Group, Policy]:
        policy_type = self._policy_type(call)
        assert policy_type is not None
        policy_name = call.params.require("PolicyName")
        group_name = self._group_name(call)
        call.authorize(self._arn("policy", policy_name))
        call.authorize(self._arn("group", group_name))
        return self._group(group_name), self._policy(policy_type, policy_name)

    @action("AttachPolicyToGroup")
    def attach_policy_to_group(self, call: Call) -> Response:
        group, policy = self._group_attachment(call)
        attach(group.policies, policy, call.now, "Group", self._scope(call))
        return {}

    @action("DetachPolicyFromGroup")
    def detach_policy_from_group(self, call: Call) -> Response:
        group, policy = self._group_attachment(call)
        detach(group.policies, policy, "Group", self._scope(call))
        return {}

    @action("ListPoliciesForGroup")
    def list_policies_for_group(self, call: Call) -> Response:
        group = self._named_group(call)
        return {"Policies": {"Policy": [self._attached_view(a) for a in group.policies]}}
