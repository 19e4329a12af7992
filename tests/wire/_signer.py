"""A V3 signer written from Alibaba's signature document, independently of `fakes`, for the
requests no SDK sends on purpose: tampered bodies, unsigned headers, stale dates."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

HOST = "ecs-cn-hangzhou.aliyuncs.com"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _encode(text: str) -> str:
    return quote(text, safe="~")


@dataclass
class SignedRequest:
    """What goes on the wire: a URL, headers (lower-case names) and a body."""

    url: str
    headers: dict[str, str]
    body: bytes = b""
    to_sign: str = field(default="", repr=False)


def sign_v3(
    key: tuple[str, str],
    action: str,
    query: dict[str, str],
    *,
    body: bytes = b"",
    version: str = "2014-05-26",
    host: str = HOST,
    date: str | None = None,
    extra_headers: dict[str, str] | None = None,
    unsigned: tuple[str, ...] = (),
    signed_names: tuple[str, ...] | None = None,
    content_hash: str | None = None,
) -> SignedRequest:
    """`action` with `query`, signed `ACS3-HMAC-SHA256` by `key`. Every header is signed (as the
    Python SDK does) except those in `unsigned`; `signed_names` overrides how `SignedHeaders` is
    written (case included); `content_hash` overrides `x-acs-content-sha256`."""
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-version": version,
        "x-acs-date": date or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "x-acs-signature-nonce": uuid.uuid4().hex,
        "x-acs-content-sha256": content_hash or hashlib.sha256(body).hexdigest(),
        "accept": "application/json",
    }
    if body:
        headers["content-type"] = "application/x-www-form-urlencoded"
    headers.update(extra_headers or {})
    headers = {name: value for name, value in headers.items() if value is not None}
    names = sorted(name for name in headers if name not in unsigned)
    canonical_headers = "".join(f"{name}:{headers[name].strip()}\n" for name in names)
    listed = ";".join(signed_names) if signed_names is not None else ";".join(names)
    canonical_query = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(query.items()))
    hashed = headers.get("x-acs-content-sha256", hashlib.sha256(body).hexdigest())
    canonical = "\n".join(("POST", "/", canonical_query, canonical_headers, listed, hashed))
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    signature = hmac.new(key[1].encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        f"ACS3-HMAC-SHA256 Credential={key[0]},SignedHeaders={listed},Signature={signature}"
    )
    url = f"https://{host}/?{urlencode(query, quote_via=quote)}" if query else f"https://{host}/"
    return SignedRequest(url, headers, body, to_sign)


def form(params: dict[str, str]) -> bytes:
    """A form-encoded body, as the SDKs write one."""
    return urlencode(params, quote_via=quote).encode()
