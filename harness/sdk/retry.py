"""When an SDK call is tried again: throttling and server errors for calls that are safe to
repeat, and a refused first call on a new AccessKey while RAM catches up. Bounded, with backoff,
waiting through the backend's `sleep` (the fake and replay never really wait).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

#: Answers that say "not now": the request was not acted on, or may not have been (5xx).
TRANSIENT_CODES = frozenset(
    {"Throttling", "Throttling.User", "Throttling.Api", "ServiceUnavailable", "InternalError"}
)
#: Answers a brand-new AccessKey (or a policy just attached to its user) may get for a few
#: seconds after it was created, before RAM has caught up.
UNSETTLED_CODES = frozenset(
    {"InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive", "Forbidden.RAM", "NoPermission"}
)
#: Calls that carry a ClientToken: repeating one can never run the command twice.
TOKEN_CARRYING = frozenset({"RunCommand", "InvokeCommand"})
#: Read-only calls, and removals (removing twice only says it is already gone).
_REPEATABLE_PREFIXES = ("Describe", "List", "Get", "Delete", "Detach")


def is_repeatable(action: str) -> bool:
    """Whether sending `action` twice has the effect of sending it once."""
    return action in TOKEN_CARRYING or action.startswith(_REPEATABLE_PREFIXES)


def is_transient(code: str, status: int) -> bool:
    return code in TRANSIENT_CODES or code.startswith("Throttling") or status >= 500


def backoff(first: float = 0.5, factor: float = 2.0, cap: float = 5.0) -> Iterator[float]:
    """`first` doubling to `cap` seconds, then `cap` for ever."""
    delay = first
    while True:
        yield delay
        delay = min(delay * factor, cap)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard the harness tries: attempts for transient answers, and the settle window."""

    sleep: Callable[[float], None]
    first_delay: float = 0.5
    attempts: int = 6  # for transient answers: the first try and five more
    settle: float = 0.0  # seconds a refused first call of a new key keeps being retried

    def delays(self) -> Iterator[float]:
        return backoff(self.first_delay)
