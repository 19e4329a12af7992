"""The documented condition operators, each compiled once into a matcher of its own type.

An operator parses the policy's listed values at compile time (a bad value is a `PolicyError`,
never an evaluation surprise) and then answers one question per request value: which listed
value, if any, does it match. Polarity and absent keys are `conditions.py`'s business.
"""

from __future__ import annotations

import ipaddress
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Generic, Protocol, TypeVar

from fakes.policy.glob import Glob

Scalar = str | int | float | bool
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

T = TypeVar("T")

NO_MATCH: Final = -1
UNPARSEABLE: Final = -2

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class ValueMatcher(Protocol):
    """The compiled listed values of one operator under one key."""

    def first_match(self, value: str) -> int:
        """Index of the first listed value that `value` matches, `NO_MATCH` or `UNPARSEABLE`."""
        ...


class BadValue(Exception):
    """A listed value the operator cannot use; `wanted` says what it should have been."""

    def __init__(self, value: Scalar, wanted: str) -> None:
        super().__init__(wanted)
        self.value = value
        self.wanted = wanted


def as_text(value: Scalar) -> str:
    """The string form of a JSON scalar, as string operators compare it and messages show it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


# --- request-value parsers (strings in, typed value or None out) ------------------------------


def parse_number(text: str) -> Decimal | None:
    """A finite decimal number; None for anything else (NaN, `1e`, out of Decimal's range)."""
    if _NUMBER.fullmatch(text) is None:
        return None
    try:
        return Decimal(text)
    except ArithmeticError:
        return None


def parse_date(text: str) -> datetime | None:
    """An ISO-8601 date or date-time; one without a time zone is read as UTC (A22)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_bool(text: str) -> bool | None:
    """`true` or `false` in any case (A22)."""
    lowered = text.lower()
    return True if lowered == "true" else False if lowered == "false" else None


def parse_address(text: str) -> Address | None:
    """A single IPv4 or IPv6 address: a request carries an address, never a block."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def parse_network(text: str) -> Network | None:
    """An IP address or CIDR block as a policy lists it (host bits allowed); None otherwise."""
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


# --- matchers ---------------------------------------------------------------------------------


class _Exact:
    __slots__ = ("_fold", "_index")

    def __init__(self, values: tuple[str, ...], fold: bool) -> None:
        self._fold = fold
        self._index: dict[str, int] = {}
        for i, value in enumerate(values):
            self._index.setdefault(value.casefold() if fold else value, i)

    def first_match(self, value: str) -> int:
        return self._index.get(value.casefold() if self._fold else value, NO_MATCH)


class _Like:
    __slots__ = ("_globs",)

    def __init__(self, values: tuple[str, ...]) -> None:
        self._globs = tuple(Glob(value) for value in values)

    def first_match(self, value: str) -> int:
        for i, glob in enumerate(self._globs):
            if glob.matches(value):
                return i
        return NO_MATCH


class _Ordered(Generic[T]):
    """Numbers, dates and booleans: parse the request value, then compare with each listed one."""

    __slots__ = ("_compare", "_parse", "_values")

    def __init__(
        self,
        values: tuple[T, ...],
        parse: Callable[[str], T | None],
        compare: Callable[[T, T], bool],
    ) -> None:
        self._values = values
        self._parse = parse
        self._compare = compare

    def first_match(self, value: str) -> int:
        parsed = self._parse(value)
        if parsed is None:
            return UNPARSEABLE
        for i, listed in enumerate(self._values):
            if self._compare(parsed, listed):
                return i
        return NO_MATCH


class _Networks:
    __slots__ = ("_networks",)

    def __init__(self, networks: tuple[Network, ...]) -> None:
        self._networks = networks

    def first_match(self, value: str) -> int:
        address = parse_address(value)
        if address is None:
            return UNPARSEABLE
        for i, network in enumerate(self._networks):
            if address in network:
                return i
        return NO_MATCH


# --- builders: listed JSON scalars -> matcher, raising BadValue -------------------------------


def _listed(
    values: tuple[Scalar, ...], parse: Callable[[Scalar], T | None], wanted: str
) -> tuple[T, ...]:
    parsed: list[T] = []
    for value in values:
        result = parse(value)
        if result is None:
            raise BadValue(value, wanted)
        parsed.append(result)
    return tuple(parsed)


def _listed_number(value: Scalar) -> Decimal | None:
    if isinstance(value, bool):
        return None
    return parse_number(as_text(value))


def _listed_date(value: Scalar) -> datetime | None:
    return parse_date(value) if isinstance(value, str) else None


def _listed_bool(value: Scalar) -> bool | None:
    if isinstance(value, bool):
        return value
    return parse_bool(value) if isinstance(value, str) else None


def _listed_network(value: Scalar) -> Network | None:
    return parse_network(value) if isinstance(value, str) else None


Builder = Callable[[tuple[Scalar, ...]], ValueMatcher]


def _strings(fold: bool) -> Builder:
    return lambda values: _Exact(tuple(as_text(v) for v in values), fold)


def _like(values: tuple[Scalar, ...]) -> ValueMatcher:
    return _Like(tuple(as_text(v) for v in values))


def _numbers(compare: Callable[[Decimal, Decimal], bool]) -> Builder:
    return lambda values: _Ordered(
        _listed(values, _listed_number, "a number"), parse_number, compare
    )


def _dates(compare: Callable[[datetime, datetime], bool]) -> Builder:
    return lambda values: _Ordered(
        _listed(values, _listed_date, "an ISO-8601 date"), parse_date, compare
    )


def _bools(values: tuple[Scalar, ...]) -> ValueMatcher:
    return _Ordered(_listed(values, _listed_bool, "`true` or `false`"), parse_bool, operator.eq)


def _ips(values: tuple[Scalar, ...]) -> ValueMatcher:
    return _Networks(_listed(values, _listed_network, "an IP address or CIDR block"))


# --- the table --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Operator:
    """One documented condition operator: its matcher builder and the words for a miss."""

    name: str
    build: Builder
    negated: bool
    relation: str  # "" for equality; else e.g. "less than", "like", "in"
    ignores_case: bool = False
    request_type: str = ""  # what a request value must parse as; "" for string operators


def _pair(
    positive: str,
    negative: str | None,
    build: Builder,
    relation: str = "",
    request_type: str = "",
    ignores_case: bool = False,
) -> tuple[Operator, ...]:
    names = (positive,) if negative is None else (positive, negative)
    return tuple(
        Operator(name, build, name == negative, relation, ignores_case, request_type)
        for name in names
    )


_NUM = "a number"
_DATE = "an ISO-8601 date"

OPERATORS: Final[Mapping[str, Operator]] = MappingProxyType(
    {
        op.name: op
        for op in (
            *_pair("StringEquals", "StringNotEquals", _strings(fold=False)),
            *_pair(
                "StringEqualsIgnoreCase",
                "StringNotEqualsIgnoreCase",
                _strings(fold=True),
                ignores_case=True,
            ),
            *_pair("StringLike", "StringNotLike", _like, "like"),
            *_pair("NumericEquals", "NumericNotEquals", _numbers(operator.eq), "", _NUM),
            *_pair("NumericLessThan", None, _numbers(operator.lt), "less than", _NUM),
            *_pair("NumericLessThanEquals", None, _numbers(operator.le), "at most", _NUM),
            *_pair("NumericGreaterThan", None, _numbers(operator.gt), "more than", _NUM),
            *_pair("NumericGreaterThanEquals", None, _numbers(operator.ge), "at least", _NUM),
            *_pair("DateEquals", "DateNotEquals", _dates(operator.eq), "", _DATE),
            *_pair("DateLessThan", None, _dates(operator.lt), "before", _DATE),
            *_pair("DateLessThanEquals", None, _dates(operator.le), "at or before", _DATE),
            *_pair("DateGreaterThan", None, _dates(operator.gt), "after", _DATE),
            *_pair("DateGreaterThanEquals", None, _dates(operator.ge), "at or after", _DATE),
            *_pair("Bool", None, _bools, "", "`true` or `false`"),
            *_pair("IpAddress", "NotIpAddress", _ips, "in", "an IP address"),
        )
    }
)
