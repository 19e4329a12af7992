"""KMS (2016-01-20): keys with a default service key per region, envelope operations, and the
secrets that OOS secret parameters are kept in. Reference section 6.2.

Ciphertexts are opaque handles into this account's table, never the plaintext encoded: a
cassette or a log that holds a CiphertextBlob holds nothing secret.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakes.clock import iso
from fakes.errors import ApiError, invalid_parameter
from fakes.ids import IdFactory
from fakes.services.base import (
    Call,
    Response,
    Service,
    action,
)

#: Alias of the per-region key the console calls "Default Service CMK" (A15: alias NOT FOUND).
DEFAULT_SERVICE_KEY_ALIAS = "alias/acs/oos"


@dataclass
class Key:
    key_id: str
    region: str
    description: str
    created: datetime
    alias: str = ""

    def snapshot(self) -> dict[str, object]:
        return {
            "KeyId": self.key_id,
            "RegionId": self.region,
            "Alias": self.alias,
            "Description": self.description,
            "CreationDate": iso(self.created),
        }


@dataclass
class Secret:
    name: str
    region: str
    data: str = field(repr=False)
    created: datetime
    version: int = 1

    def snapshot(self) -> dict[str, object]:
        """The secret without its value."""
        return {"SecretName": self.name, "RegionId": self.region, "Version": self.version}


@dataclass(frozen=True)
class Sealed:
    """What a CiphertextBlob stands for: the key, the plaintext and the encryption context."""

    key_id: str
    plaintext: str = field(repr=False)
    context: str


def _key_not_found() -> ApiError:
    return ApiError("Forbidden.KeyNotFound", "The specified Key is not found.", 404)


def _invalid_ciphertext(why: str) -> ApiError:
    return ApiError("Rejected.ValidationFailed", why, 400)


class KmsService(Service):
    product = "kms"

    def __init__(self, account_id: str, ids: IdFactory) -> None:
        self.account_id = account_id
        self._ids = ids
        self.keys: dict[str, Key] = {}
        self.ciphertexts: dict[str, Sealed] = {}  # CiphertextBlob -> what it seals
        self.secrets: dict[tuple[str, str], Secret] = {}  # (region, name)

    # ---- what other services ask of KMS -------------------------------------------------------

    def default_key(self, region: str, now: datetime) -> Key:
        for key in self.keys.values():
            if key.region == region and key.alias == DEFAULT_SERVICE_KEY_ALIAS:
                return key
        key = Key(self._ids.key_id(), region, "Default Service CMK", now, DEFAULT_SERVICE_KEY_ALIAS)
        self.keys[key.key_id] = key
        return key

    def key(self, region: str, key_id: str | None, now: datetime) -> Key:
        """A key by id or alias in the region; no id means the default service key."""
        if not key_id or key_id == DEFAULT_SERVICE_KEY_ALIAS:
            return self.default_key(region, now)
        for key in self.keys.values():
            if key.region == region and key_id in (key.key_id, key.alias):
                return key
        raise _key_not_found()

    def put_secret(self, region: str, name: str, data: str, now: datetime) -> Secret:
        found = self.secrets.get((region, name))
        if found is None:
            found = self.secrets[(region, name)] = Secret(name, region, data, now)
        else:
            found.data, found.version = data, found.version + 1
        return found

    def secret_value(self, region: str, name: str) -> str | None:
        """A secret's value, or None when there is none: the caller has authorized the read."""
        found = self.secrets.get((region, name))
        return None if found is None else found.data

    def drop_secret(self, region: str, name: str) -> None:
        self.secrets.pop((region, name), None)

    def secret_arn(self, region: str, name: str) -> str:
        return f"acs:kms:{region}:{self.account_id}:secret/{name}"

    def _key_arn(self, key: Key) -> str:
        return f"acs:kms:{key.region}:{self.account_id}:key/{key.key_id}"

    def _resolved(self, call: Call) -> Key:
        key = self.key(call.region, call.params.require("KeyId"), call.now)
        call.authorize(self._key_arn(key))
        return key

    def snapshot(self, now: datetime) -> dict[str, Any]:
        """Keys and secrets, never a secret's value nor what a ciphertext seals."""
        return {
            "Keys": [k.snapshot() for k in self.keys.values()],
            "Secrets": [s.snapshot() for s in self.secrets.values()],
            "Ciphertexts": len(self.ciphertexts),
        }

    # ---- keys ---------------------------------------------------------------------------------

    @action("DescribeKey")
    def describe_key(self, call: Call) -> Response:
        key = self._resolved(call)
        return {
            "KeyMetadata": {
                "KeyId": key.key_id,
                "Arn": self._key_arn(key),
                "Description": key.description,
                "KeyState": "Enabled",
                "KeySpec": "Aliyun_AES_256",
                "KeyUsage": "ENCRYPT/DECRYPT",
                "Origin": "Aliyun_KMS",
                "ProtectionLevel": "SOFTWARE",
                "Creator": self.account_id,
                "CreationDate": iso(key.created),
                "AutomaticRotation": "Disabled",
            }
        }

    @action("ListKeys")
    def list_keys(self, call: Call) -> Response:
        call.authorize(f"acs:kms:{call.region}:{self.account_id}:key/*")
        self.default_key(call.region, call.now)
        keys = [k for k in self.keys.values() if k.region == call.region]
        size = call.params.number("PageSize", 10, low=1, high=100)
        number = call.params.number("PageNumber", 1, low=1, high=10**6)
        page = keys[(number - 1) * size : number * size]
        return {
            "Keys": {"Key": [{"KeyId": k.key_id, "KeyArn": self._key_arn(k)} for k in page]},
            "TotalCount": len(keys),
            "PageNumber": number,
            "PageSize": size,
        }

    # ---- envelope operations ------------------------------------------------------------------

    def _seal(self, key: Key, plaintext: str, context: str) -> str:
        handle = self._ids.ciphertext_handle()
        blob = base64.b64encode(key.key_id.encode() + b":" + handle).decode()
        self.ciphertexts[blob] = Sealed(key.key_id, plaintext, context)
        return blob

    @staticmethod
    def _context(call: Call) -> str:
        raw = call.params.text("EncryptionContext") or "{}"
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, dict):
            raise invalid_parameter("EncryptionContext", raw[:40], "It must be a JSON object.")
        return json.dumps(parsed, sort_keys=True)

    @action("Encrypt")
    def encrypt(self, call: Call) -> Response:
        key = self._resolved(call)
        plaintext = call.params.require("Plaintext")
        blob = self._seal(key, plaintext, self._context(call))
        return {"CiphertextBlob": blob, "KeyId": key.key_id, "KeyVersionId": key.key_id}

    @action("Decrypt")
    def decrypt(self, call: Call) -> Response:
        blob = call.params.require("CiphertextBlob")
        sealed = self.ciphertexts.get(blob)
        if sealed is None:  # not ours, or tampered with
            raise _invalid_ciphertext("The CiphertextBlob is invalid.")
        key = self.keys[sealed.key_id]
        call.authorize(self._key_arn(key))
        if sealed.context != self._context(call):
            raise _invalid_ciphertext("The EncryptionContext does not match.")
        return {"Plaintext": sealed.plaintext, "KeyId": key.key_id, "KeyVersionId": key.key_id}

    @action("GenerateDataKey")
    def generate_data_key(self, call: Call) -> Response:
        key = self._resolved(call)
        size = call.params.number("NumberOfBytes", 32, low=1, high=1024)
        spec = call.params.text("KeySpec")
        if spec is not None:
            if spec not in ("AES_256", "AES_128"):
                raise invalid_parameter("KeySpec", spec, "Use AES_256 or AES_128.")
            size = 32 if spec == "AES_256" else 16
        plaintext = base64.b64encode(secrets.token_bytes(size)).decode()
        blob = self._seal(key, plaintext, self._context(call))
        return {
            "Plaintext": plaintext,
            "CiphertextBlob": blob,
            "KeyId": key.key_id,
            "KeyVersionId": key.key_id,
        }

    # ---- secrets ----------------------------------------------------------------------------

    @action("GetSecretValue")
    def get_secret_value(self, call: Call) -> Response:
        name = call.params.require("SecretName")
        call.authorize(self.secret_arn(call.region, name))
        found = self.secrets.get((call.region, name))
        if found is None:
            raise ApiError(
                "Forbidden.ResourceNotFound", "The specified resource is not found.", 404
            )
        return {
            "SecretName": found.name,
            "SecretData": found.data,
            "SecretDataType": "text",
            "SecretType": "Generic",
            "VersionId": f"v{found.version}",
            "VersionStages": {"VersionStage": ["ACSCurrent"]},
            "CreateTime": iso(found.created),
        }
