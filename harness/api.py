"""One door for every SDK call the harness makes: it records evidence, retries what may be
retried (harness/retry.py), and turns the SDK's exceptions into `Refusal` (an answer from the
cloud) or `HarnessError` (no answer at all)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from alibabacloud_tea_openapi.exceptions import AlibabaCloudException

from harness.errors import HarnessError
from harness.evidence import Evidence
from harness.retry import UNSETTLED_CODES, RetryPolicy, is_repeatable, is_transient

T = TypeVar("T")
#: A URL's query string: parameters (an OOS `Value`, a V2 signature) travel there.
_QUERY = re.compile(r"\?[^\s'\"]*")


@dataclass(frozen=True)
class Refusal(Exception):
    """The cloud answered with an error: Alibaba's code, message, status and RequestId."""

    action: str
    code: str
    message: str
    status: int
    request_id: str
    access_denied_detail: Mapping[str, Any] | None = None
    retry_after: float | None = None  # seconds, from `x-acs-retry-after` (throttling)

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


def _message(text: str, status: int) -> str:
    """The cloud's message without the SDK's decoration, and without the string to sign a
    `SignatureDoesNotMatch` may echo (it holds every parameter of the request)."""
    text = text.split(" request id:")[0].removeprefix(f"code: {status}, ")
    cut = text.lower().find("string to sign")
    return text if cut < 0 else text[:cut].rstrip(" :,") + " (string to sign left out)"


class _NoAnswer(HarnessError):
    """The SDK got no answer at all (connection refused, timeout)."""


class Gateway:
    """Calls the SDK, records what happened, and maps failures to the harness's own types.

    With a `RetryPolicy`, a transient answer (throttling, 5xx, no answer) to a call that is safe
    to repeat is tried again, a bounded number of times; and while a principal in `fresh` (a new
    AccessKey) has had no final answer yet, a refusal RAM may still be catching up on is tried
    again for up to `policy.settle` seconds."""

    def __init__(
        self,
        evidence: Evidence,
        policy: RetryPolicy | None = None,
        fresh: set[str] | None = None,
    ) -> None:
        self.evidence = evidence
        self.policy = policy
        self.fresh = fresh if fresh is not None else set()

    def call(
        self,
        caller: str,
        action: str,
        params: Mapping[str, object],
        send: Callable[[], T],
        *,
        repeatable: bool | None = None,
    ) -> T:
        policy = self.policy
        if policy is None:
            return self._once(caller, action, params, send)
        repeat = is_repeatable(action) if repeatable is None else repeatable
        transient_left = policy.attempts - 1
        settle_left = policy.settle if caller in self.fresh else 0.0
        delays = policy.delays()
        try:
            while True:
                try:
                    return self._once(caller, action, params, send)
                except (Refusal, _NoAnswer) as failure:
                    code, status = (
                        (failure.code, failure.status)
                        if isinstance(failure, Refusal)
                        else ("", 599)
                    )
                    if repeat and transient_left > 0 and is_transient(code, status):
                        transient_left -= 1
                        wait = getattr(failure, "retry_after", None) or next(delays)
                        policy.sleep(min(wait, 30.0))
                        continue
                    if settle_left > 0 and code in UNSETTLED_CODES:
                        wait = min(next(delays), settle_left)
                        policy.sleep(wait)
                        settle_left -= wait
                        continue
                    raise
        finally:
            self.fresh.discard(caller)  # one final answer: the key has settled, or never will

    def _once(
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
            retry_after = getattr(e, "retry_after", None)
            raise Refusal(
                action=action,
                code=str(e.code),
                message=_message(str(e.message), status),
                status=status,
                request_id=request_id,
                access_denied_detail=getattr(e, "access_denied_detail", None),
                retry_after=retry_after / 1000 if isinstance(retry_after, int | float) else None,
            ) from None
        except Exception as e:  # the SDK could not get an answer at all
            self.evidence.add(caller, action, params, "", f"no answer ({type(e).__name__})")
            first_line = _QUERY.sub("?...", str(e).splitlines()[0]) if str(e) else "no detail"
            raise _NoAnswer(
                f"{caller}: {action} got no answer from the cloud: {type(e).__name__}: {first_line}"
            ) from None
        body = getattr(response, "body", None)
        request_id = str(getattr(body, "request_id", "") or "")
        self.evidence.add(caller, action, params, request_id, "OK")
        return response
