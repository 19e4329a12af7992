"""Identifiers in Alibaba's shapes (`i-...`, `c-...`, `t-...`, `LTAI...`, upper-case RequestIds,
KMS key UUIDs, OOS `p-...`) and the fake's own handles (CiphertextBlobs).

Seeded, so one FakeCloud is reproducible run to run; every id of the account comes from here.
Secrets (AccessKey secrets, STS tokens, data keys) never do: they must not be guessable.
"""

from __future__ import annotations

import random
import string
import threading

_LOWER_ALNUM = string.ascii_lowercase + string.digits
_ALNUM = string.ascii_letters + string.digits


def _byte_table(alphabet: str) -> bytes:
    """A `bytes.translate` table sending each byte value to a character of `alphabet`.

    The mapping is `byte % len(alphabet)`, slightly uneven (256 is not a multiple of 36 or 62):
    ids need Alibaba's shape and no collisions in practice, not a perfectly flat distribution.
    Secrets never come from here."""
    return bytes(ord(alphabet[value % len(alphabet)]) for value in range(256))


_TABLES = {alphabet: _byte_table(alphabet) for alphabet in (_LOWER_ALNUM, _ALNUM, string.digits)}
#: UUID version 4 and RFC 4122 variant bits, set on 128 random bits (as `uuid.UUID` does).
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)
#: How `_uuid_hex` writes the digits: lower case, or upper case for RequestIds.
_LOWER_HEX, _UPPER_HEX = "032x", "032X"


class IdFactory:
    """Makes the ids of one fake account."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def _pick(self, alphabet: str, n: int) -> str:
        """`n` characters of `alphabet` from one draw of `n` random bytes, mapped by a table
        (one call and one C-level translation, not a Python loop per character)."""
        with self._lock:
            drawn = self._rng.randbytes(n)
        return drawn.translate(_TABLES[alphabet]).decode("ascii")

    def account_id(self) -> str:
        with self._lock:
            return str(self._rng.randrange(10**15, 10**16))

    def instance(self) -> str:
        return "i-" + self._pick(_LOWER_ALNUM, 20)

    def command(self) -> str:
        return "c-" + self._pick(_LOWER_ALNUM, 32)

    def invocation(self) -> str:
        return "t-" + self._pick(_LOWER_ALNUM, 32)

    def user_id(self) -> str:
        return self._pick(string.digits, 16)

    def access_key_id(self) -> str:
        return "LTAI" + self._pick(_ALNUM, 20)

    def access_key_secret(self) -> str:
        # Secrets come from the OS's CSPRNG, not the seeded generator: they must not be guessable.
        return "".join(random.SystemRandom().choice(_ALNUM) for _ in range(30))

    def _uuid_hex(self, spec: str = _LOWER_HEX) -> str:
        """A random (version 4) UUID's 32 hex digits (lower case unless `_UPPER_HEX`), formatted
        without `uuid.UUID` (which validates and converts on every call: a request pays for one)."""
        with self._lock:
            number = self._rng.getrandbits(128)
        return format((number & _UUID_CLEAR) | _UUID_SET, spec)

    def _uuid(self, spec: str = _LOWER_HEX) -> str:
        digits = self._uuid_hex(spec)
        return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"

    def request_id(self) -> str:
        return self._uuid(_UPPER_HEX)

    def key_id(self) -> str:
        """A KMS key id: a lower-case UUID."""
        return self._uuid()

    def parameter_id(self) -> str:
        """An OOS parameter id: `p-` and 32 hex digits."""
        return "p-" + self._uuid_hex()

    def ciphertext_handle(self) -> bytes:
        """The opaque part of a CiphertextBlob: it names a sealed value, it does not hide one."""
        with self._lock:
            return self._rng.getrandbits(24 * 8).to_bytes(24, "big")
