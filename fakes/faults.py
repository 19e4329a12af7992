"""Injected faults: the answers a client must survive that a healthy fake never gives, such as
throttling (`Throttling.User`, HTTP 400, optionally with `x-acs-retry-after`), a 503
`ServiceUnavailable`, or a new AccessKey RAM does not know yet (`InvalidAccessKeyId.NotFound`).

A fault is armed for one action (or `*`, any action) of one product (or any), answers the next
`times` matching requests instead of the account, then disarms itself. The request it answers is
not acted on, as a throttled request is not.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from fakes.errors import ApiError

#: Messages of the codes a test injects most, as the reference records them (section 4.3).
MESSAGES = {
    "Throttling": "You have made too many requests within a short time; your request is denied "
    "due to request throttling.",
    "Throttling.User": "Request was denied due to user flow control.",
    "Throttling.Api": "Request was denied due to api flow control.",
    "ServiceUnavailable": "The request has failed due to a temporary failure of the server.",
    "InternalError": "The request processing has failed due to some unknown error, exception or "
    "failure.",
    "InvalidAccessKeyId.NotFound": "Specified access key is not found.",
}


@dataclass
class Fault:
    """An armed fault: which requests it answers, with what, and how many more times."""

    action: str  # an API action, e.g. "RunCommand", or "*"
    code: str
    status: int
    times: int
    product: str | None = None  # "ecs", "ram", ... or None: any product
    message: str = ""
    retry_after_ms: int | None = None  # sent as `x-acs-retry-after`
    answered: int = 0

    def error(self) -> ApiError:
        return ApiError(self.code, self.message or MESSAGES.get(self.code, self.code), self.status)

    def view(self) -> dict[str, object]:
        return {
            "Action": self.action,
            "Product": self.product,
            "Code": self.code,
            "Status": self.status,
            "Left": self.times,
            "Answered": self.answered,
        }


class Faults:
    """The armed faults of one account, by action."""

    def __init__(self) -> None:
        #: Action -> its armed faults; empty when none is (checked on every request).
        self.armed: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()

    def arm(self, fault: Fault) -> Fault:
        if fault.times < 1:
            raise ValueError(f"`times` must be at least 1, not {fault.times}")
        if not 400 <= fault.status <= 599:
            raise ValueError(f"`status` must be an HTTP error status, not {fault.status}")
        with self._lock:
            self.armed.setdefault(fault.action, []).append(fault)
        return fault

    def take(self, product: str, action: str) -> Fault | None:
        """The fault that answers this request, if one is armed; it counts the answer."""
        with self._lock:
            for key in (action, "*"):
                for fault in self.armed.get(key, ()):
                    if fault.product in (None, product):
                        fault.times -= 1
                        fault.answered += 1
                        if fault.times == 0:
                            self.armed[key].remove(fault)
                            if not self.armed[key]:
                                del self.armed[key]
                        return fault
        return None

    def view(self) -> list[dict[str, object]]:
        with self._lock:
            return [f.view() for faults in self.armed.values() for f in faults]
