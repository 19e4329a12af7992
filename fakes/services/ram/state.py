"""RAM state: users, AccessKeys, policies with their versions, roles, and the attachments of
policies to users and roles. Limits: reference section 3.4."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from fakes.clock import iso
from fakes.policy import CompiledPolicy, PolicySource, TrustPolicy
from fakes.services.ram import errors

USER_NAME = re.compile(r"^[A-Za-z0-9._@-]+$")
ROLE_NAME = re.compile(r"^[A-Za-z0-9.-]+$")
POLICY_NAME = re.compile(r"^[A-Za-z0-9-]+$")
MAX_POLICY_DOCUMENT = 6144
MAX_KEYS_PER_USER = 2
MAX_CUSTOM_PER_USER = 10
MAX_SYSTEM_PER_USER = 20
MAX_POLICY_VERSIONS = 5


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
    policies: list[tuple[str, str, datetime]] = field(default_factory=list)  # (type, name, when)

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
    policies: list[tuple[str, str, datetime]] = field(default_factory=list)  # (type, name, when)

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


Attachments = list[tuple[str, str, datetime]]  # (policy type, policy name, when attached)


def attach(attached: Attachments, policy: Policy, now: datetime, holder: str) -> None:
    """Attach `policy` to a user's or role's list (`holder` is "User" or "Role")."""
    if any(t == policy.type and n == policy.name for t, n, _ in attached):
        raise errors.already_attached(holder)
    limit = MAX_SYSTEM_PER_USER if policy.type == "System" else MAX_CUSTOM_PER_USER
    if sum(1 for t, _, _ in attached if t == policy.type) >= limit:
        raise errors.too_many_attached(holder, MAX_SYSTEM_PER_USER, MAX_CUSTOM_PER_USER)
    attached.append((policy.type, policy.name, now))
    policy.attachments += 1


def attachments_snapshot(attached: Attachments) -> list[dict[str, str]]:
    return [{"PolicyType": t, "PolicyName": n} for t, n, _ in attached]


def detach(attached: Attachments, policy: Policy, holder: str) -> None:
    for entry in attached:
        if entry[0] == policy.type and entry[1] == policy.name:
            attached.remove(entry)
            policy.attachments -= 1
            return
    raise errors.not_found(f"{holder}.Policy")
