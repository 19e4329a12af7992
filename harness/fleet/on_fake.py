"""A fleet on an in-process fake cloud, for the benchmark and the tests: commandUser made with
the official RAM SDK as the guide makes it, and a check that signs as commandUser."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from alibabacloud_ram20150501 import models as ram

from fakes import FakeCloud
from harness.config.settings import spec_policies
from harness.fleet.check import FleetCheck, Plan, Progress
from harness.sdk.clients import AccessKey, Principal, ecs_client, ram_client
from harness.sdk.evidence import Evidence
from harness.sdk.gateway import Gateway

GUIDE = ("commandUserPolicy.allowlist", "AliyunECSReadOnlyAccess")


def command_user(
    cloud: FakeCloud,
    policies: Sequence[str] = GUIDE,
    *,
    name: str = "commandUser",
    folder: Path | None = None,
) -> Principal:
    """A RAM user with these policies (documents by label from `folder`, default the spec's
    features/policies, or system policies) and an AccessKey, made through RAM as the account
    owner."""
    owner = Principal("the account owner", AccessKey(*cloud.root_access_key))
    iam = ram_client(owner, cloud.default_region)
    iam.create_user(ram.CreateUserRequest(user_name=name))
    folder = folder or spec_policies(Path.cwd())
    for label in policies:
        kind, policy = ("System", label) if label.startswith("Aliyun") else ("Custom", label)
        if kind == "Custom":
            policy = label.split(".")[0]
            document = json.loads((folder / f"{label}.json").read_text(encoding="utf-8"))
            iam.create_policy(
                ram.CreatePolicyRequest(policy_name=policy, policy_document=json.dumps(document))
            )
        iam.attach_policy_to_user(
            ram.AttachPolicyToUserRequest(policy_type=kind, policy_name=policy, user_name=name)
        )
    made = iam.create_access_key(ram.CreateAccessKeyRequest(user_name=name)).body.access_key
    return Principal(name, AccessKey(str(made.access_key_id), str(made.access_key_secret)))


def fleet_check(
    cloud: FakeCloud,
    principal: Principal,
    plan: Plan,
    *,
    evidence: Evidence | None = None,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
    wall_clock: Callable[[], datetime] | None = lambda: datetime.now(UTC),
) -> FleetCheck:
    """A fleet check on the in-process fake, signing as `principal`; nothing really waits."""
    region = cloud.default_region
    return FleetCheck(
        principal.name,
        lambda: ecs_client(principal, region),
        Gateway(evidence or Evidence()),
        region,
        plan,
        sleep=lambda seconds: None,
        progress=progress,
        clock=clock,
        wall_clock=wall_clock,
    )
