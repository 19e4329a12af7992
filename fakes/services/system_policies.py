"""System policies the fake account carries, by name. Contents not published are assumptions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class SystemPolicy:
    name: str
    description: str
    document: str
    assumption: str | None = None  # the assumption id when the content is not published


def _doc(*statements: Mapping[str, object]) -> str:
    return json.dumps({"Version": "1", "Statement": list(statements)}, indent=2)


SYSTEM_POLICIES: Mapping[str, SystemPolicy] = {
    p.name: p
    for p in (
        SystemPolicy(
            "AliyunECSReadOnlyAccess",
            "Provides read-only access to Elastic Compute Service(ECS) via Management Console.",
            _doc(
                {
                    "Action": [
                        "ecs:Describe*",
                        "ecs:List*",
                        "vpc:DescribeVpcs",
                        "vpc:DescribeVSwitches",
                    ],
                    "Resource": "*",
                    "Effect": "Allow",
                }
            ),
            # A3, confirmed: https://www.alibabacloud.com/help/doc-detail/273911.htm
            assumption="A3",
        ),
        SystemPolicy(
            "AliyunECSFullAccess",
            "Provides full access to Elastic Compute Service(ECS) via Management Console.",
            _doc({"Action": "ecs:*", "Resource": "*", "Effect": "Allow"}),
        ),
        SystemPolicy(
            "AliyunOOSReadOnlyAccess",
            "Provides read-only access to Operation Orchestration Service (OOS).",
            _doc({"Action": ["oos:List*", "oos:Get*"], "Resource": "*", "Effect": "Allow"}),
        ),
        SystemPolicy(
            "AliyunRAMReadOnlyAccess",
            "Provides read-only access to Resource Access Management (RAM).",
            _doc({"Action": ["ram:Get*", "ram:List*"], "Resource": "*", "Effect": "Allow"}),
        ),
    )
}
