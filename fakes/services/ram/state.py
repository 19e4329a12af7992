"""RAM state: users, groups, AccessKeys, policies with their versions, roles, and the
attachments of policies to users, groups and roles (at account level, or at the scope of a
resource group). Limits: reference section 3.4 and RAM's error messages [D-RAM-ERR]."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from fakes.clock import iso
from fakes.policy import CompiledPolicy, PolicySource, TrustPolicy
from fakes.services.ram import errors

#: Letters, digits, `.`, `-`, `_` (the RAM SDK's CreateUser docstring; no `@`).
USER_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
#: The same rule for groups (the RAM SDK's CreateGroup docstring).
GROUP_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
ROLE_NAME = re.compile(r"^[A-Za-z0-9.-]+$")
POLICY_NAME = re.compile(r"^[A-Za-z0-9-]+$")
MAX_POLICY_DOCUMENT = 6144
MAX_KEYS_PER_USER = 2
MAX_CUSTOM_PER_USER = 10
MAX_SYSTEM_PER_USER = 20
MAX_POLICY_VERSIONS = 5
#: [D-RAM-ERR]: "The maximum number of groups a RAM user can join is 5"; groups per account 50;
#: a group holds up to 20 system and 5 custom policies.
MAX_GROUPS_PER_USER = 5
MAX_GROUPS = 50
MAX_CUSTOM_PER_GROUP = 5
MAX_SYSTEM_PER_GROUP = 20


@dataclass
class AccessKey:
    access_key_id: str
    secret: str = field(repr=False)
    user_name: str
    created: datetime
    status: str = "Active"

    def snapshot(self) -> dict[str, object]:
        """The key without its secret."""
        return {
            "AccessKeyId": self.access_key_id,
            "UserName": self.user_name,
            "Status": self.status,
        }


@dataclass(frozen=True)
class PolicyVersion:
    version_id: str  # "v1", "v2", ...: never reused within a policy
    document: str
    compiled: CompiledPolicy
    created: datetime


@dataclass
class Policy:
    """A policy and its versions; the default version is the one evaluated."""

    name: str
    type: str  # "System" | "Custom"
    description: str
    created: datetime
    versions: dict[str, PolicyVersion] = field(default_factory=dict)
    default_version: str = "v1"
    attachments: int = 0
    updated: datetime | None = None
    _next_version: int = 1

    def add_version(self, document: str, compiled: CompiledPolicy, when: datetime) -> PolicyVersion:
        version = PolicyVersion(f"v{self._next_version}", document, compiled, when)
        self._next_version += 1
        self.versions[version.version_id] = version
        self.updated = when
        return version

    @property
    def default(self) -> PolicyVersion:
        return self.versions[self.default_version]

    @property
    def source(self) -> PolicySource:
        return PolicySource(self.name, self.type, self.default_version)

    def view(self) -> dict[str, object]:
        return {
            "PolicyName": self.name,
            "PolicyType": self.type,
            "Description": self.description,
            "DefaultVersion": self.default_version,
            "CreateDate": iso(self.created),
            "UpdateDate": iso(self.updated or self.created),
            "AttachmentCount": self.attachments,
        }

    def snapshot(self) -> dict[str, object]:
        if self.type == "System":
            return {"PolicyName": self.name, "PolicyType": self.type}
        return {
            "PolicyName": self.name,
            "PolicyType": self.type,
            "DefaultVersion": self.default_version,
            "AttachmentCount": self.attachments,
            "PolicyDocument": self.default.document,
        }

    def version_view(self, version: PolicyVersion) -> dict[str, object]:
        return {
            "VersionId": version.version_id,
            "IsDefaultVersion": version.version_id == self.default_version,
            "PolicyDocument": version.document,
            "CreateDate": iso(version.created),
        }


@dataclass
class User:
    user_id: str
    name: str
    display_name: str
    comments: str
    created: datetime
    updated: datetime
    keys: list[str] = field(default_factory=list)
    policies: list[Attachment] = field(default_factory=list)

    def view(self) -> dict[str, object]:
        return {
            "UserId": self.user_id,
            "UserName": self.name,
            "DisplayName": self.display_name,
            "Comments": self.comments,
            "CreateDate": iso(self.created),
            "UpdateDate": iso(self.updated),
        }

    def snapshot(self) -> dict[str, object]:
        return {
            "UserName": self.name,
            "UserId": self.user_id,
            "AccessKeyIds": list(self.keys),
            "Policies": attachments_snapshot(self.policies),
        }


@dataclass
class Role:
    role_id: str
    name: str
    arn: str
    trust: TrustPolicy
    description: str
    max_session: int
    created: datetime
    policies: list[Attachment] = field(default_factory=list)

    def view(self) -> dict[str, object]:
        return {
            "RoleId": self.role_id,
            "RoleName": self.name,
            "Arn": self.arn,
            "AssumeRolePolicyDocument": self.trust.text,
            "Description": self.description,
            "MaxSessionDuration": self.max_session,
            "CreateDate": iso(self.created),
            "UpdateDate": iso(self.created),
        }

    def snapshot(self) -> dict[str, object]:
        return {
            "RoleName": self.name,
            "Arn": self.arn,
            "Policies": attachments_snapshot(self.policies),
        }


@dataclass
class Group:
    group_id: str
    name: str
    comments: str
    created: datetime
    updated: datetime
    members: dict[str, datetime] = field(default_factory=dict)  # user name -> when joined
    policies: list[Attachment] = field(default_factory=list)

    def view(self) -> dict[str, object]:
        return {
            "GroupId": self.group_id,
            "GroupName": self.name,
            "Comments": self.comments,
            "CreateDate": iso(self.created),
            "UpdateDate": iso(self.updated),
        }

    def snapshot(self) -> dict[str, object]:
        return {
            "GroupName": self.name,
            "GroupId": self.group_id,
            "Members": sorted(self.members),
            "Policies": attachments_snapshot(self.policies),
        }


@dataclass(frozen=True)
class Attachment:
    """A policy attached to a user, group or role; `scope` is "" at account level, else the
    resource group the attachment was made for (`ResourceGroupId`)."""

    type: str  # "System" | "Custom"
    name: str
    when: datetime
    scope: str = ""


Attachments = list[Attachment]
#: Per holder kind: (system limit, custom limit).
_LIMITS = {
    "User": (MAX_SYSTEM_PER_USER, MAX_CUSTOM_PER_USER),
    "Role": (MAX_SYSTEM_PER_USER, MAX_CUSTOM_PER_USER),
    "Group": (MAX_SYSTEM_PER_GROUP, MAX_CUSTOM_PER_GROUP),
}


def attach(
    attached: Attachments, policy: Policy, now: datetime, holder: str, scope: str = ""
) -> None:
    """Attach `policy` to a user's, group's or role's list (`holder`: "User", "Group", "Role")
    at `scope`; the same policy may be attached once per scope."""
    if any(a.type == policy.type and a.name == policy.name and a.scope == scope for a in attached):
        raise errors.already_attached(holder)
    system_limit, custom_limit = _LIMITS[holder]
    limit = system_limit if policy.type == "System" else custom_limit
    if sum(1 for a in attached if a.type == policy.type) >= limit:
        raise errors.too_many_attached(holder, system_limit, custom_limit)
    attached.append(Attachment(policy.type, policy.name, now, scope))
    policy.attachments += 1


def attachments_snapshot(attached: Attachments) -> list[dict[str, str]]:
    return [
        {"PolicyType": a.type, "PolicyName": a.name}
        | ({"ResourceGroupId": a.scope} if a.scope else {})
        for a in attached
    ]


def detach(attached: Attachments, policy: Policy, holder: str, scope: str = "") -> None:
    for entry in attached:
        if entry.type == policy.type and entry.name == policy.name and entry.scope == scope:
            attached.remove(entry)
            policy.attachments -= 1
            return
    raise errors.not_found(f"{holder}.Policy")
