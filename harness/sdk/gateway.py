"""One door for every SDK call the harness makes: it records evidence (derived from the request
model itself, so a call is described once), retries what may be retried (sdk/retry.py), and
turns the SDK's exceptions into `Refusal` (an answer from the cloud) or `NoAnswer` (none at all).
Anything else escaping the SDK is a bug of the harness and is never retried or disguised."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import requests
from alibabacloud_credentials.exceptions import CredentialException
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from darabonba.exceptions import RetryError as DaraRetryError
from Tea.exceptions import RetryError as TeaRetryError
from Tea.exceptions import UnretryableException

from harness.errors import HarnessError
from harness.sdk.evidence import Evidence
from harness.sdk.retry import UNSETTLED_CODES, RetryPolicy, is_repeatable, is_transient

T = TypeVar("T")
#: A URL's query string: parameters (an OOS `Value`, a V2 signature) travel there.
_QUERY = re.compile(r"\?[^\s'\"]*")
_WORD = re.compile(r"_([a-z0-9])")
#: What the SDK raises when no answer came back: the connection, the socket, its own retries.
TRANSPORT_ERRORS = (
    UnretryableException,
    DaraRetryError,
    TeaRetryError,
    requests.RequestException,
    OSError,
)


class Refusal(Exception):
    """The cloud answered with an error: Alibaba's code, message, status and RequestId.

    A plain exception (not a frozen dataclass), so that pytest and `contextlib` can attach a
    traceback to it wherever it escapes."""

    def __init__(
        self,
        action: str,
        code: str,
        message: str,
        status: int,
        request_id: str,
        access_denied_detail: Mapping[str, Any] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(action, code)
        self.action = action
        self.code = code
        self.message = message
        self.status = status
        self.request_id = request_id
        self.access_denied_detail = access_denied_detail
        self.retry_after = retry_after  # seconds, from `x-acs-retry-after` (throttling)

    def __str__(self) -> str:
        text = f"{self.action} refused: {self.code} (HTTP {self.status}): {self.message}"
        why = self.explanation()
        return f"{text}: {why}" if why else text

    def __repr__(self) -> str:
        return f"Refusal({self.action!r}, {self.code!r}, status={self.status})"

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


class NoAnswer(HarnessError):
    """The SDK got no answer at all (connection refused, timeout)."""


def _message(text: str, status: int) -> str:
    """The cloud's message without the SDK's decoration, and without the string to sign a
    `SignatureDoesNotMatch` may echo (it holds every parameter of the request)."""
    text = text.split(" request id:")[0].removeprefix(f"code: {status}, ")
    cut = text.lower().find("string to sign")
    return text if cut < 0 else text[:cut].rstrip(" :,") + " (string to sign left out)"


def action_of(method: Callable[..., Any], request: Any) -> str:
    """The API action a call makes: `RunCommandRequest` -> `RunCommand`, or from the client
    method's name when it takes no request (`get_caller_identity` -> `GetCallerIdentity`)."""
    if request is not None:
        return type(request).__name__.removesuffix("Request")
    name = getattr(method, "__name__", "call")
    return _WORD.sub(lambda m: m.group(1).upper(), name[:1].upper() + name[1:])


def parameters_of(request: Any) -> Mapping[str, object]:
    """The request's parameters, as the SDK's public `to_map()` names them."""
    if request is None:
        return {}
    mapped = request.to_map()
    return mapped if isinstance(mapped, dict) else {}


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
        method: Callable[..., T],
        request: Any = None,
        *,
        repeatable: bool | None = None,
    ) -> T:
        """`method(request)` (or `method()` without one) as `caller`; the answer, or `Refusal`."""
        action = action_of(method, request)
        params = parameters_of(request)
        policy = self.policy
        if policy is None:
            return self._once(caller, action, params, method, request)
        repeat = is_repeatable(action) if repeatable is None else repeatable
        transient_left = policy.attempts - 1
        settle_left = policy.settle if caller in self.fresh else 0.0
        delays = policy.delays()
        try:
            while True:
                try:
                    return self._once(caller, action, params, method, request)
                except (Refusal, NoAnswer) as failure:
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
        method: Callable[..., T],
        request: Any,
    ) -> T:
        try:
            response = method() if request is None else method(request)
        except AlibabaCloudException as e:
            # The SDK keeps the error in a retry context its own frames hold, and the error's
            # traceback holds those frames: a cycle of every frame of the call, freed only by
            # the garbage collector. Nothing reads the traceback (Refusal carries the fields).
            e.with_traceback(None).__context__ = None
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
        except CredentialException as e:
            self.evidence.add(caller, action, params, "", "no credentials")
            raise HarnessError(
                f"{caller}: {action} could not be signed: the credentials chain gave none "
                f"({_first_line(e)})"
            ) from None
        except TRANSPORT_ERRORS as e:
            self.evidence.add(caller, action, params, "", f"no answer ({type(e).__name__})")
            raise NoAnswer(
                f"{caller}: {action} got no answer from the cloud: {type(e).__name__}: "
                f"{_first_line(e)}"
            ) from None
        body = getattr(response, "body", None)
        request_id = str(getattr(body, "request_id", "") or "")
        self.evidence.add(caller, action, params, request_id, "OK")
        return response


def _first_line(error: BaseException) -> str:
    """The first line of an SDK error, with any query string (parameters) cut out."""
    text = str(error)
    return _QUERY.sub("?...", text.splitlines()[0]) if text else "no detail"
