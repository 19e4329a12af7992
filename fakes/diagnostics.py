"""The `EncodedDiagnosticMessage` of a refusal: the decision that made it, sealed so that only
this account's `ram:DecodeDiagnosticMessage` reads it back, as the real one does. Real gateways
encrypt it (reference 4.2); the fake's is base64 JSON with an HMAC, so a test can still read the
`Explanation` without the API (harness/sdk/gateway.py `Refusal.explanation`)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from typing import Any


class DiagnosticSeal:
    """Encodes a decoded diagnostic for an answer; decodes only what it encoded."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def _mac(self, payload: bytes) -> str:
        return hmac.new(self._key, payload, hashlib.sha256).hexdigest()[:32]

    def encode(self, decoded: Mapping[str, Any], explanation: str) -> str:
        body = dict(decoded) | {"Explanation": explanation}
        payload = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")
        sealed = {**body, "Seal": self._mac(payload)}
        return base64.b64encode(json.dumps(sealed).encode("utf-8")).decode("ascii")

    def decode(self, encoded: str) -> dict[str, Any] | None:
        """The decoded diagnostic (without the explanation), or None for anything this
        account did not encode."""
        try:
            data = json.loads(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("Seal"), str):
            return None
        seal = data.pop("Seal")
        payload = json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")
        if not hmac.compare_digest(seal, self._mac(payload)):
            return None
        data.pop("Explanation", None)
        return data
