"""Request signatures: V3 `ACS3-HMAC-SHA256`, as the official SDKs compute them.

Steps per shared/reference/alibaba-cloud.md section 5.1: canonical request from method, path,
RFC 3986 query, the headers named in `SignedHeaders`, and the payload hash; string to sign is the
algorithm and the hex SHA-256 of that; the signature is hex HMAC-SHA256 keyed by the secret.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

V3_ALGORITHM = "ACS3-HMAC-SHA256"


@dataclass(frozen=True)
class V3Authorization:
    """The parts of an `Authorization: ACS3-HMAC-SHA256 ...` header."""

    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str


class MalformedAuthorization(ValueError):
    """The header is not a V3 authorization the fake can read."""


def parse_v3_authorization(header: str) -> V3Authorization:
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != V3_ALGORITHM:
        raise MalformedAuthorization(f"unsupported signature algorithm `{algorithm}`")
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
        access_key_id=parts["Credential"],
        signed_headers=tuple(parts["SignedHeaders"].split(";")),
        signature=parts["Signature"],
    )


def canonical_query(query: Sequence[tuple[str, str]]) -> str:
    """Keys sorted by bytes, values RFC 3986 encoded (`%20`, `%2A`, `~` kept), as the SDK does."""
    return "&".join(f"{k}={quote(v, safe='~')}" for k, v in sorted(query))


def v3_string_to_sign(
    method: str,
    path: str,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
    payload_hash: str,
) -> str:
    canonical_headers = "".join(
        f"{name}:{headers.get(name, '').strip()}\n" for name in sorted(signed_headers)
    )
    canonical_request = "\n".join(
        (
            method.upper(),
            path or "/",
            canonical_query(query),
            canonical_headers,
            ";".join(sorted(signed_headers)),
            payload_hash,
        )
    )
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{V3_ALGORITHM}\n{digest}"


def v3_signature(secret: str, string_to_sign: str) -> str:
    return hmac.new(
        secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def signatures_match(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.lower(), given.lower())


def v2_percent_encode(value: str) -> str:
    """RFC 3986 as the V2 doc defines it: space `%20`, `*` `%2A`, `~` kept."""
    return quote(value, safe="~")


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
    import base64

    mac = hmac.new(f"{secret}&".encode(), string_to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")
