"""Evidence: every API call made for a scenario, for the report. Never a secret in it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: Parameters that may carry secrets; their values are never recorded.
SECRET_PARAMETERS = frozenset(
    {"AccessKeySecret", "SecurityToken", "Password", "Value", "Signature", "Plaintext"}
)


@dataclass(frozen=True)
class ApiCallRecord:
    caller: str
    action: str
    params: Mapping[str, str]
    request_id: str
    outcome: str  # "OK" or "<Code> (<HTTP status>)"

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
            k: ("***" if k in SECRET_PARAMETERS else str(v))
            for k, v in params.items()
            if v is not None
        }
        self.records.append(ApiCallRecord(caller, action, clean, request_id or "-", outcome))

    def text(self) -> str:
        return "\n".join(r.line() for r in self.records)
