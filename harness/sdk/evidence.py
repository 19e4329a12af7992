"""Evidence: every API call made for a scenario, for the report. Never a secret in it."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from harness.secret_names import SECRET_PARAMETERS

#: Parameters that change with every call and say nothing about it.
NOISE_PARAMETERS = frozenset({"ClientToken"})
#: Values longer than this (a policy document) are shown by length and digest.
LONGEST_SHOWN = 120


def shown(name: str, value: object) -> str:
    """How a parameter appears in evidence: masked when secret (`SECRET_PARAMETERS`: their
    values are never recorded), digested when long; a Resource Manager principal name without
    its account alias (often the account id)."""
    if name in SECRET_PARAMETERS:
        return "***"
    if name == "PrincipalName" and isinstance(value, str):
        return _without_alias(value)
    if isinstance(value, list) and len(value) == 1:
        value = value[0]  # InstanceId=[i-1] reads better as InstanceId=i-1
    text = str(value)
    if len(text) <= LONGEST_SHOWN:
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return f"<{len(text)} characters, sha256 {digest}>"


def _without_alias(principal: str) -> str:
    """`alice@<alias>.onaliyun.com`, `ops@group.<alias>.onaliyun.com` and
    `r@role.<alias>.onaliyunservice.com` (AttachPolicy's formats) with `<alias>` shown."""
    name, at, domain = principal.partition("@")
    if not at:
        return principal
    parts = domain.split(".")
    index = 1 if parts[0] in ("group", "role") and len(parts) > 2 else 0
    parts[index] = "<alias>"
    return f"{name}@{'.'.join(parts)}"


@dataclass(frozen=True)
class ApiCallRecord:
    caller: str
    action: str
    params: Mapping[str, str]
    request_id: str
    outcome: str  # "OK" or "<Code> (<HTTP status>)"
    at: float = field(default_factory=time.time, compare=False)  # when the answer came

    def line(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return (
            f"{self.caller}: {self.action}({shown}) -> {self.outcome} [RequestId {self.request_id}]"
        )


@dataclass
class Evidence:
    records: list[ApiCallRecord] = field(default_factory=list)

    def add(
        self,
        caller: str,
        action: str,
        params: Mapping[str, object],
        request_id: str,
        outcome: str,
    ) -> None:
        clean = {
            k: shown(k, v)
            for k, v in params.items()
            if v not in (None, [], {}) and k not in NOISE_PARAMETERS
        }
        self.records.append(ApiCallRecord(caller, action, clean, request_id or "-", outcome))

    def text(self) -> str:
        return "\n".join(r.line() for r in self.records)
