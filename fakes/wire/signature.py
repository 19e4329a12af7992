"""Request signatures as the official SDKs compute them: V3 (`ACS3-HMAC-SHA256` and
`ACS3-HMAC-SM3`) and V2 (`HMAC-SHA1`).

V3 per shared/reference/alibaba-cloud.md section 5.1: the canonical request is the method, path,
RFC 3986 query, the headers named in `SignedHeaders` and the payload hash; the string to sign is
the algorithm and the hex hash of that; the signature is the hex HMAC keyed by the secret. The
two V3 algorithms differ only in the hash (SHA-256 or SM3), which also hashes the body for
`x-acs-content-sha256` (tea-openapi `utils.py` `Utils.hash`, `signature_method`). V2 per 5.2.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import quote

from fakes.wire.sm3 import Sm3

#: Each V3 algorithm the fake verifies, with its hash. `ACS3-RSA-SHA256` (a public key the
#: account would have to register) is not modelled.
V3_HASHES: Mapping[str, Callable[..., Any]] = {
    "ACS3-HMAC-SHA256": hashlib.sha256,
    "ACS3-HMAC-SM3": Sm3,
}
#: Each algorithm's hash of the empty body, which most RPC calls send.
_EMPTY_HASHES = {name: str(hash_(b"").hexdigest()) for name, hash_ in V3_HASHES.items()}


class V3Authorization(NamedTuple):
    """The parts of an `Authorization: ACS3-HMAC-... Credential=...,SignedHeaders=...` header
    (a named tuple: one is read from every V3 request)."""

    algorithm: str
    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str


class MalformedAuthorization(ValueError):
    """The header is not a V3 authorization the fake can read."""


class UnsupportedAlgorithm(MalformedAuthorization):
    """A well-formed header naming an algorithm the fake does not verify."""


def parse_v3_authorization(header: str) -> V3Authorization:
    """The parts of a V3 `Authorization` header. A client sends the same header on every
    request but for its last part, the signature: the part before it is read once (`_head`)
    when the signature is a plain word (the hex the SDKs write), which the general reading
    (`read_v3_authorization`) would take as it is, being the last part."""
    head, separator, signature = header.rpartition(",Signature=")
    if (
        separator
        and signature.isalnum()
        and head.startswith(_ALGORITHMS)
        and len(head) <= _HEAD_LIMIT
    ):
        algorithm, access_key_id, signed_headers = _head(head)
        return V3Authorization(algorithm, access_key_id, signed_headers, signature)
    return read_v3_authorization(header)


@functools.lru_cache(maxsize=64)
def _head(head: str) -> tuple[str, str, tuple[str, ...]]:
    """The algorithm, key id and signed headers of a header that is `head` and a signature
    part: each part is read on its own, so they are the same whatever that signature is. A
    malformed `head` raises as the whole header would (and is not remembered)."""
    auth = read_v3_authorization(f"{head},Signature=0")
    return auth.algorithm, auth.access_key_id, auth.signed_headers


def read_v3_authorization(header: str) -> V3Authorization:
    """`parse_v3_authorization` of any shape of header: blanks around the parts, parts in any
    order or repeated (the last one counts)."""
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm not in V3_HASHES:
        raise UnsupportedAlgorithm(f"unsupported signature algorithm `{algorithm}`")
    parts: dict[str, str] = {}
    for item in rest.split(","):
        name, sep, value = item.strip().partition("=")
        if not sep:
            raise MalformedAuthorization(f"malformed authorization part `{item.strip()}`")
        parts[name] = value
    missing = [p for p in ("Credential", "SignedHeaders", "Signature") if not parts.get(p)]
    if missing:
        raise MalformedAuthorization("authorization lacks " + ", ".join(missing))
    return V3Authorization(
        algorithm=algorithm,
        access_key_id=parts["Credential"],
        signed_headers=tuple(parts["SignedHeaders"].split(";")),
        signature=parts["Signature"],
    )


def payload_hash(algorithm: str, body: bytes) -> str:
    """What `x-acs-content-sha256` must hold for `body` (despite its name, SM3 under SM3)."""
    if not body:  # most RPC calls send none: its hash is a constant
        return _EMPTY_HASHES[algorithm]
    return str(V3_HASHES[algorithm](body).hexdigest())


#: RFC 3986's unreserved characters: what percent-encoding leaves as it is.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def percent_encode(value: str) -> str:
    """RFC 3986 (space `%20`, `*` `%2A`, `~` kept); most values (ids, names, numbers) are
    unreserved already and come back as they are, without `quote()`'s per-character work."""
    if _UNRESERVED.fullmatch(value):
        return value
    return quote(value, safe="~")


def canonical_query(query: Sequence[tuple[str, str]]) -> str:
    """Keys sorted by bytes, values RFC 3986 encoded (`%20`, `%2A`, `~` kept), as the SDK does
    (alibabacloud_openapi_util `get_canonical_query_string`: the keys are not encoded)."""
    ordered = sorted(query)
    # Every character of every value is unreserved exactly when their concatenation is: then
    # none needs encoding, and one match stands for one per value.
    if _UNRESERVED.fullmatch("".join([value for _, value in ordered])):
        return "&".join(["=".join(pair) for pair in ordered])
    return "&".join([f"{k}={percent_encode(v)}" for k, v in ordered])


#: What a header read through `_head` starts with: an algorithm the fake verifies, then a blank.
_ALGORITHMS = tuple(f"{algorithm} " for algorithm in V3_HASHES)
#: How long a head `_head` keeps (an SDK's is about 250 characters): a longer one is read anew.
_HEAD_LIMIT = 1024


@functools.lru_cache(maxsize=64)
def _header_order(signed_headers: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """The signed header names sorted, and joined by `;` as the canonical request lists them.
    Remembered: a client signs the same names on every request."""
    names = tuple(sorted(signed_headers))
    return names, ";".join(names)


def v3_string_to_sign(
    method: str,
    path: str,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
    hashed_payload: str,
    algorithm: str = "ACS3-HMAC-SHA256",
) -> str:
    names, listed = _header_order(tuple(signed_headers))
    canonical_headers = "".join([f"{name}:{headers.get(name, '').strip()}\n" for name in names])
    canonical_request = "\n".join(
        (
            method.upper(),
            path or "/",
            canonical_query(query),
            canonical_headers,
            listed,
            hashed_payload,
        )
    )
    return f"{algorithm}\n{payload_hash(algorithm, canonical_request.encode('utf-8'))}"


#: How many keys' HMAC-SHA256 states are kept (one a secret that signs requests).
_KEYED_LIMIT = 64


@functools.lru_cache(maxsize=_KEYED_LIMIT)
def _keyed_sha256(secret: str) -> hmac.HMAC:
    """An HMAC-SHA256 keyed with `secret` and fed nothing, copied for each message: the key's
    padded blocks are hashed once, not per request, and OpenSSL looks the digest up once.
    Keyed by the secret itself, so a rotated, new or other key never meets another's state."""
    return hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha256)


def v3_signature(secret: str, string_to_sign: str) -> str:
    """Hex HMAC of the string to sign, with the hash its first line names."""
    algorithm = string_to_sign.partition("\n")[0]
    message = string_to_sign.encode("utf-8")
    if algorithm == "ACS3-HMAC-SM3":
        return hmac.new(secret.encode("utf-8"), message, V3_HASHES[algorithm]).hexdigest()
    mac = _keyed_sha256(secret).copy()
    mac.update(message)
    return mac.hexdigest()


def signatures_match(expected: str, given: str) -> bool:
    """Two hex digests (V3's signature, the body's hash) in constant time, case aside: in hex
    it is the same number. A signature is ASCII: any other text (which `compare_digest`
    refuses with a TypeError, as a 500) matches nothing."""
    if not given.isascii():
        return False
    return hmac.compare_digest(expected.lower(), given.lower())


def base64_signatures_match(expected: str, given: str) -> bool:
    """Two Base64 signatures (V2's) in constant time, exactly: in Base64 a letter's case is
    part of the value."""
    if not given.isascii():
        return False
    return hmac.compare_digest(expected, given)


def v2_percent_encode(value: str) -> str:
    """RFC 3986 as the V2 doc defines it: space `%20`, `*` `%2A`, `~` kept."""
    return percent_encode(value)


def v2_string_to_sign(method: str, params: Sequence[tuple[str, str]]) -> str:
    """`METHOD&%2F&percentEncode(sorted, encoded params)`, `Signature` itself left out."""
    canonical = "&".join(
        f"{v2_percent_encode(k)}={v2_percent_encode(v)}"
        for k, v in sorted(params)
        if k != "Signature"
    )
    return f"{method.upper()}&%2F&{v2_percent_encode(canonical)}"


def v2_signature(secret: str, string_to_sign: str) -> str:
    """Base64 HMAC-SHA1 keyed by `secret + "&"`."""
    mac = hmac.new(f"{secret}&".encode(), string_to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")
