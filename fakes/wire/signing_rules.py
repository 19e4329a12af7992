"""What a signed request must carry before its signature is worth checking: for V3, the headers
that must be signed, a nonce and a fresh `x-acs-date`; for V2, a nonce and a fresh `Timestamp`.

The rules are Alibaba's V3 signature document (shared/reference/paths-to-root.md section 5, and
alibaba-cloud.md 5.1): every common request header present but `Authorization` is signed, the
date is "within 15 minutes before the request is sent", the nonce prevents replays. The codes
come from reference 4.3; which code answers which broken rule is assumption A27.
"""

from __future__ import annotations

import functools
import heapq
import re
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from fakes.errors import ApiError, missing_parameter

#: A13 (V2) and A27 (V3): how far a signing time may stray from the real clock, either way.
WINDOW = timedelta(minutes=15)

#: The common request headers that must be signed whenever present (x-acs-* by prefix).
MUST_SIGN = ("host",)
#: Signed whenever there is a body to read by it. On a body-less request, a transport may add
#: one the signer never saw: aiohttp gives the official SDK's `*_async` calls an unsigned
#: `Content-Type: application/octet-stream`, which real endpoints serve (A27).
MUST_SIGN_WITH_BODY = ("content-type",)

#: `YYYY-MM-DDThh:mm:ssZ` in ASCII digits; a regex, since `strptime` costs a request ~20 us.
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")


def wall_clock() -> datetime:
    """The real time: clients sign with theirs, and the fake's virtual clock runs ahead of it
    by a second per request, so a signing time is never compared with the virtual one."""
    return datetime.now(UTC)


def incomplete(why: str) -> ApiError:
    return ApiError(
        "IncompleteSignature",
        f"The request signature does not conform to Aliyun standards: {why}.",
        400,
    )


def check_v3_headers(
    headers: Mapping[str, str], signed_headers: tuple[str, ...], *, has_body: bool
) -> None:
    """`SignedHeaders` is lower case, names no header twice or empty, and covers every common
    header sent (`content-type` when a body comes); the nonce, date and payload hash are sent."""
    signed = _signed_names(signed_headers)
    must = MUST_SIGN + MUST_SIGN_WITH_BODY if has_body else MUST_SIGN
    unsigned = [
        name
        for name in headers.keys() - signed  # a few: `authorization`, `content-length`
        if name.startswith("x-acs-") or name in must
    ]
    if unsigned:  # the first by name, whatever order the headers came in
        raise incomplete(f"the header `{min(unsigned)}` is sent but not in `SignedHeaders`")
    for required in ("x-acs-signature-nonce", "x-acs-date", "x-acs-content-sha256"):
        if not headers.get(required):
            raise missing_parameter(required)


@functools.lru_cache(maxsize=64)
def _signed_names(signed_headers: tuple[str, ...]) -> frozenset[str]:
    """The names `SignedHeaders` lists, once it is found well formed (lower case, none empty,
    none twice). Remembered: a client lists the same names on every request (a malformed list
    raises, and is not remembered)."""
    for name in signed_headers:
        if not name:
            raise incomplete("`SignedHeaders` names an empty header")
        if name != name.lower():
            raise incomplete(f"`SignedHeaders` must be lower case, not `{name}`")
    signed = frozenset(signed_headers)
    if len(signed) != len(signed_headers):
        raise incomplete("`SignedHeaders` names a header twice")
    return signed


@functools.lru_cache(maxsize=64)
def _signing_time(value: str) -> datetime | None:
    """The moment `value` names, or None when it is not `YYYY-MM-DDThh:mm:ssZ` (a real date).
    Remembered: a client signs every request of one second with the same stamp."""
    parts = _DATE.fullmatch(value)
    if parts is None:
        return None
    year, month, day, hour, minute, second = (int(p) for p in parts.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


def check_signing_time(value: str, name: str) -> datetime:
    """A13/A27: the signing time is `YYYY-MM-DDThh:mm:ssZ` and within `WINDOW` of the wall
    clock; `name` (`Timestamp`, `x-acs-date`) is what a missing one is called. Returns it."""
    if not value:
        raise missing_parameter(name)
    sent = _signing_time(value) if len(value) == len("2026-01-01T00:00:00Z") else None
    if sent is None:
        raise ApiError(
            "InvalidTimeStamp.Format",
            f"Specified time stamp or date value is not well formatted: `{value}`.",
            400,
        )
    if abs(wall_clock() - sent) > WINDOW:
        raise ApiError(
            "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.", 400
        )
    return sent


class SpentNonces:
    """The nonces of admitted requests, each kept only while its request's signing time is
    within `WINDOW` of the wall clock: later, a replay is refused by its date anyway
    (`check_signing_time`, which runs first), so the store stays as large as the traffic of
    half an hour, not of the process's life."""

    def __init__(self) -> None:
        self._spent: set[str] = set()
        self._expiry: list[tuple[datetime, str]] = []  # a heap: the first to forget on top
        # Its own lock: authentication may come to run outside the account's lock.
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._spent)

    def __contains__(self, nonce: object) -> bool:
        return nonce in self._spent

    def spend(self, nonce: str, signed_at: datetime) -> bool:
        """Record `nonce` for a request signed at `signed_at`; False when it was spent already."""
        now = wall_clock()
        with self._lock:
            expiry = self._expiry
            while expiry and expiry[0][0] < now:
                self._spent.discard(heapq.heappop(expiry)[1])
            if nonce in self._spent:
                return False
            self._spent.add(nonce)
            heapq.heappush(expiry, (signed_at + WINDOW, nonce))
            return True
