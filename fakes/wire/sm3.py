"""SM3, the Chinese national hash standard (GB/T 32905-2016), for `ACS3-HMAC-SM3` signatures.

Pure Python and small: the fake hashes a canonical request and a body per call, never bulk data.
`Sm3` has the `hashlib` object interface, so `hmac.new(key, msg, Sm3)` is HMAC-SM3.
"""

from __future__ import annotations

import struct

_IV: tuple[int, ...] = (
    0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E,
)  # fmt: skip
_MASK = 0xFFFFFFFF


def _rotl(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _MASK


def _p0(x: int) -> int:
    return x ^ _rotl(x, 9) ^ _rotl(x, 17)


def _p1(x: int) -> int:
    return x ^ _rotl(x, 15) ^ _rotl(x, 23)


#: T_j rotated left by j, precomputed (the standard's constant 0x79cc4519 / 0x7a879d8a).
_T = tuple(_rotl(0x79CC4519 if j < 16 else 0x7A879D8A, j) for j in range(64))


def _compress(v: tuple[int, ...], block: bytes) -> tuple[int, ...]:
    w = list(struct.unpack(">16I", block))
    for j in range(16, 68):
        w.append(_p1(w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)) ^ _rotl(w[j - 13], 7) ^ w[j - 6])
    a, b, c, d, e, f, g, h = v
    for j in range(64):
        a12 = _rotl(a, 12)
        ss1 = _rotl((a12 + e + _T[j]) & _MASK, 7)
        ss2 = ss1 ^ a12
        if j < 16:
            ff, gg = a ^ b ^ c, e ^ f ^ g
        else:
            ff, gg = (a & b) | (a & c) | (b & c), (e & f) | (~e & g)
        tt1 = (ff + d + ss2 + (w[j] ^ w[j + 4])) & _MASK
        tt2 = (gg + h + ss1 + w[j]) & _MASK
        a, b, c, d = tt1, a, _rotl(b, 9), c
        e, f, g, h = _p0(tt2), e, _rotl(f, 19), g
    return tuple(x ^ y for x, y in zip(v, (a, b, c, d, e, f, g, h), strict=True))


class Sm3:
    """An SM3 hash object with `hashlib`'s interface: `update`, `digest`, `hexdigest`, `copy`."""

    name = "sm3"
    digest_size = 32
    block_size = 64

    def __init__(self, data: bytes = b"") -> None:
        self._state = _IV
        self._pending = b""
        self._length = 0
        self.update(data)

    def update(self, data: bytes) -> None:
        self._length += len(data)
        pending = self._pending + data
        whole = len(pending) - len(pending) % 64
        for start in range(0, whole, 64):
            self._state = _compress(self._state, pending[start : start + 64])
        self._pending = pending[whole:]

    def copy(self) -> Sm3:
        twin = Sm3()
        twin._state, twin._pending, twin._length = self._state, self._pending, self._length
        return twin

    def digest(self) -> bytes:
        tail = self._pending + b"\x80" + b"\x00" * ((55 - len(self._pending)) % 64)
        tail += struct.pack(">Q", self._length * 8)
        state = self._state
        for start in range(0, len(tail), 64):
            state = _compress(state, tail[start : start + 64])
        return struct.pack(">8I", *state)

    def hexdigest(self) -> str:
        return self.digest().hex()
