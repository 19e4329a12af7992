"""One door for every SDK call the harness makes: it records evidence and turns the SDK's
exceptions into `Refusal` (an answer from the cloud) or `HarnessError` (no answer at all)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

from harness.errors import HarnessError
from harness.evidence import Evidence

T = TypeVar("T")


@dataclass(frozen=True)
class Refusal(Exception):
    """The cloud answered with an error: Alibaba's code, message, status and RequestId."""

    action: str
    code: str
    message: str
    status: int
    request_id: str
    access_denied_detail: Mapping[str, Any] | None = None

    def __str__(self) -> str:
        text = f"{self.action} refused: {self.code} (HTTP {self.status}): {self.message}"
        why = self.explanation()
        return f"{text}: {why}" if why else text

    def explanation(self) -> str:
        """The fake's decoded policy explanation, when the diagnostic message carries one."""
        detail = self.access_denied_detail or {}
        encoded = detail.get("EncodedDiagnosticMessage")
        if not isinstance(encoded, str):
            return ""
        try:
            decoded = json.loads(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            return ""  # real gateways encrypt it: decode with ram:DecodeDiagnosticMessage
        return str(decoded.get("Explanation", "")) if isinstance(decoded, dict) else ""


class Gateway:
    """Calls the SDK, records what happened, and maps failures to the harness's own types."""

    def __init__(self, evidence: Evidence) -> None:
        self.evidence = evidence

    def call(
        self,
        caller: str,
        action: str,
        params: Mapping[str, object],
        send: Callable[[], T],
    ) -> T:
        try:
            response = send()
        except AlibabaCloudException as e:
            request_id = str(e.request_id or "")
            status = int(e.status_code or 0)
            self.evidence.add(caller, action, params, request_id, f"{e.code} ({status})")
            raise Refusal(
                action=action,
                code=str(e.code),
                message=str(e.message).split(" request id:")[0].removeprefix(f"code: {status}, "),
                status=status,
                request_id=request_id,
                access_denied_detail=getattr(e, "access_denied_detail", None),
            ) from None
        except Exception as e:  # the SDK could not get an answer at all
            self.evidence.add(caller, action, params, "", f"no answer ({type(e).__name__})")
            raise HarnessError(
                f"{caller}: {action} got no answer from the cloud: {type(e).__name__}: "
                f"{str(e).splitlines()[0] if str(e) else 'no detail'}"
            ) from None
        body = getattr(response, "body", None)
        request_id = str(getattr(body, "request_id", "") or "")
        self.evidence.add(caller, action, params, request_id, "OK")
        return response
