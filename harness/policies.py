"""The policy documents the spec attaches, by name: `features/policies/<name>.json`.

A name like `commandUserPolicy.allowlist` is the guide's `commandUserPolicy` in its allow-list
variant: the part before the first dot is the policy's name in RAM. Names starting with `Aliyun`
are Alibaba's system policies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError


@dataclass(frozen=True)
class PolicyRef:
    label: str  # as the spec names it
    ram_name: str  # the policy's name in RAM
    type: str  # "System" | "Custom"
    document: str | None  # the JSON text, for custom policies


def resolve(label: str, directory: Path) -> PolicyRef:
    if label.startswith("Aliyun"):
        return PolicyRef(label, label, "System", None)
    path = directory / f"{label}.json"
    if not path.is_file():
        known = sorted(p.stem for p in directory.glob("*.json"))
        raise HarnessError(
            f"no policy document `{label}`: expected {path}; known: {', '.join(known) or 'none'}"
        )
    return PolicyRef(label, label.split(".")[0], "Custom", path.read_text(encoding="utf-8"))
