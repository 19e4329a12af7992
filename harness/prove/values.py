"""One request value as z3 sees it: its text, and its readings as a number, date, bool or address.

A value the question fixes (`Slot.fixed`) is read by the fake's own parsers, so its typed
readings are exact constants. A value the solver chooses (a run-as name, the source IP) has its
text constrained by the string theory and its typed readings linked to the text where the link
is exact and cheap (ASCII numbers, `true`/`false`); elsewhere (dates, addresses) the reading is
left free. That over-approximates what can be allowed, never under: every "never" is sound,
and every "allowed" is replayed through the concrete engine before it is believed (`render`).
"""

from __future__ import annotations

import contextlib
import ipaddress
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import z3

from fakes.policy.operators import parse_address, parse_bool, parse_date, parse_number
from harness.prove import strings
from harness.prove.strings import ReRef, StringRef

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def real(value: Decimal | Fraction | int) -> z3.ArithRef:
    exact = Fraction(value)
    return z3.RealVal(f"{exact.numerator}/{exact.denominator}")


def micros(moment: datetime) -> int:
    """A date as whole microseconds since the epoch: exact, comparable as an integer."""
    return (moment - EPOCH) // _MICRO


def _ascii_digits() -> ReRef:
    return z3.Range("0", "9")


def _ascii_number() -> ReRef:
    """The fake's number pattern, `[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?`, with
    ASCII digits only: Python's `\\d` also takes every Unicode decimal digit, and that union of
    some seventy ranges stalls z3's regex solver, so it is the sure part of the link only."""
    digit = _ascii_digits()
    digits = z3.Plus(digit)
    sign = z3.Option(z3.Union(z3.Re("+"), z3.Re("-")))
    mantissa = z3.Union(
        z3.Concat(digits, z3.Option(z3.Concat(z3.Re("."), z3.Star(digit)))),
        z3.Concat(z3.Re("."), digits),
    )
    exponent = z3.Option(z3.Concat(z3.Union(z3.Re("e"), z3.Re("E")), sign, digits))
    return z3.Concat(sign, mantissa, exponent)


def _number_alphabet() -> ReRef:
    """What a number's text can be made of: its ASCII must be digits, signs, `.`, `e` or `E`."""
    ascii_part = [_ascii_digits(), *(z3.Re(char) for char in "+-.eE")]
    beyond = z3.Range(strings.literal("\x80"), strings.literal(chr(strings.CHAR_MAX)))
    return z3.Star(z3.Union(*ascii_part, beyond))


class Slot:
    """One value a request carries for one key; typed readings are made on first use."""

    def __init__(self, name: str, fixed: str | None = None) -> None:
        self.name = name
        self.fixed = fixed
        self.text: StringRef = strings.literal(fixed) if fixed is not None else z3.String(name)
        #: Links between the text and its free readings; the solver must assert them.
        self.links: list[z3.BoolRef] = []
        self._number: tuple[z3.BoolRef, z3.ArithRef] | None = None
        self._date: tuple[z3.BoolRef, z3.ArithRef] | None = None
        self._bool: tuple[z3.BoolRef, z3.BoolRef] | None = None
        self._address: tuple[z3.BoolRef, z3.ArithRef, z3.BoolRef, z3.ArithRef] | None = None

    def number(self) -> tuple[z3.BoolRef, z3.ArithRef]:
        """(parses as a number, its value)."""
        if self._number is None:
            if self.fixed is not None:
                parsed = parse_number(self.fixed)
                self._number = (z3.BoolVal(parsed is not None), real(parsed or 0))
            else:
                ok, value = z3.Bool(f"{self.name}.is_number"), z3.Real(f"{self.name}.number")
                self.links.append(z3.Implies(z3.InRe(self.text, _ascii_number()), ok))
                self.links.append(z3.Implies(ok, z3.InRe(self.text, _number_alphabet())))
                integer = z3.InRe(self.text, z3.Plus(_ascii_digits()))
                self.links.append(z3.Implies(integer, value == z3.ToReal(z3.StrToInt(self.text))))
                self._number = (ok, value)
        return self._number

    def date(self) -> tuple[z3.BoolRef, z3.ArithRef]:
        """(parses as an ISO-8601 date, microseconds since the epoch)."""
        if self._date is None:
            if self.fixed is not None:
                moment = parse_date(self.fixed)
                self._date = (z3.BoolVal(moment is not None), z3.IntVal(micros(moment or EPOCH)))
            else:
                ok, value = z3.Bool(f"{self.name}.is_date"), z3.Int(f"{self.name}.date")
                year = z3.Concat(*([_ascii_digits()] * 4), strings.anything())
                self.links.append(z3.Implies(ok, z3.InRe(self.text, year)))
                self._date = (ok, value)
        return self._date

    def boolean(self) -> tuple[z3.BoolRef, z3.BoolRef]:
        """(parses as `true`/`false` in any case, its value): exact on any text."""
        if self._bool is None:
            if self.fixed is not None:
                flag = parse_bool(self.fixed)
                self._bool = (z3.BoolVal(flag is not None), z3.BoolVal(bool(flag)))
            else:
                true = z3.InRe(self.text, strings.preimage("true", "lower"))
                false = z3.InRe(self.text, strings.preimage("false", "lower"))
                self._bool = (z3.Or(true, false), true)
        return self._bool

    def address(self) -> tuple[z3.BoolRef, z3.ArithRef, z3.BoolRef, z3.ArithRef]:
        """(is IPv4, its integer, is IPv6, its integer)."""
        if self._address is None:
            if self.fixed is not None:
                parsed = parse_address(self.fixed)
                v4 = isinstance(parsed, ipaddress.IPv4Address)
                v6 = isinstance(parsed, ipaddress.IPv6Address)
                number = z3.IntVal(int(parsed) if parsed is not None else 0)
                self._address = (z3.BoolVal(v4), number, z3.BoolVal(v6), number)
            else:
                self._address = self._symbolic_address()
        return self._address

    def _symbolic_address(self) -> tuple[z3.BoolRef, z3.ArithRef, z3.BoolRef, z3.ArithRef]:
        # Free readings: a link to the text through four octet strings made z3 100x slower on
        # policies with a NotIpAddress beside string conditions; `render` writes the address.
        v4, v6 = z3.Bool(f"{self.name}.is_ipv4"), z3.Bool(f"{self.name}.is_ipv6")
        n4, n6 = z3.Int(f"{self.name}.ipv4"), z3.Int(f"{self.name}.ipv6")
        self.links += [
            z3.Not(z3.And(v4, v6)),
            z3.And(n4 >= 0, n4 < 2**32),
            z3.And(n6 >= 0, n6 < 2**128),
        ]
        return v4, n4, v6, n6

    def render(self, model: z3.ModelRef) -> list[str]:
        """Concrete texts that may stand for this value in the model: its own text first, then
        its typed readings written out (for a value whose text the model left unconstrained)."""
        found = [strings.text_of(model, self.text)] if self.fixed is None else [self.fixed]
        if self.fixed is not None:
            return found
        if self._number is not None and z3.is_true(model.eval(self._number[0])):
            value = model.eval(self._number[1], model_completion=True)
            if isinstance(value, z3.RatNumRef):
                exact = value.as_fraction()
                if exact.denominator == 1:
                    found.append(str(exact.numerator))
                else:
                    found.append(str(Decimal(exact.numerator) / Decimal(exact.denominator)))
        if self._date is not None and z3.is_true(model.eval(self._date[0])):
            value = model.eval(self._date[1], model_completion=True)
            if isinstance(value, z3.IntNumRef):
                with contextlib.suppress(OverflowError):
                    found.append((EPOCH + value.as_long() * _MICRO).isoformat())
        if self._address is not None:
            v4, n4, v6, n6 = self._address
            if z3.is_true(model.eval(v4)):
                found.append(str(ipaddress.IPv4Address(model.eval(n4).as_long())))
            if z3.is_true(model.eval(v6)):
                found.append(str(ipaddress.IPv6Address(model.eval(n6).as_long())))
        return list(dict.fromkeys(found))
