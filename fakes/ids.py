"""Identifiers in Alibaba's shapes (`i-...`, `c-...`, `t-...`, `LTAI...`, upper-case RequestIds,
KMS key UUIDs, OOS `p-...`) and the fake's own handles (CiphertextBlobs).

Seeded, so one FakeCloud is reproducible run to run; every id of the account comes from here.
Secrets (AccessKey secrets, STS tokens, data keys) never do: they must not be guessable.
"""

from __future__ import annotations

import random
import string
import threading
import uuid

_LOWER_ALNUM = string.ascii_lowercase + string.digits
_ALNUM = string.ascii_letters + string.digits


class IdFactory:
    """Makes the ids of one fake account."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def _pick(self, alphabet: str, n: int) -> str:
        """`n` characters of `alphabet` from one draw of random bits (one call, not `n`)."""
        base = len(alphabet)
        with self._lock:
            number = self._rng.getrandbits(n * base.bit_length())
        chars = []
        for _ in range(n):
            number, digit = divmod(number, base)
            chars.append(alphabet[digit])
        return "".join(chars)

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

    def _uuid(self) -> uuid.UUID:
        with self._lock:
            return uuid.UUID(int=self._rng.getrandbits(128), version=4)

    def request_id(self) -> str:
        return str(self._uuid()).upper()

    def key_id(self) -> str:
        """A KMS key id: a lower-case UUID."""
        return str(self._uuid())

    def parameter_id(self) -> str:
        """An OOS parameter id: `p-` and 32 hex digits."""
        return "p-" + self._uuid().hex

    def ciphertext_handle(self) -> bytes:
        """The opaque part of a CiphertextBlob: it names a sealed value, it does not hide one."""
        with self._lock:
            return self._rng.getrandbits(24 * 8).to_bytes(24, "big")
