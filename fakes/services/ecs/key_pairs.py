"""SSH key pairs: ImportKeyPair and AttachKeyPair, a side door to root.

AttachKeyPair carries no `ecs:CommandRunAs`: it binds a key pair to Linux instances, and "if
the instance is in the Running state, restart the instance (RebootInstance) for the SSH key pair
to take effect"; "authentication by using a username and password is disabled"; a new key pair
replaces the one bound before
(https://help.aliyun.com/en/ecs/developer-reference/api-ecs-2014-05-26-attachkeypair). On the
images that bind a key pair to root, the public key becomes root's authorized key: whoever holds
its private key logs on as root. Where the docs leave it open (which resources are authorized,
the error codes, whose authorized key it is) the fake follows A72.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import datetime
from typing import Any

from fakes.errors import ApiError
from fakes.services.base import Call, Response, action
from fakes.services.ecs import errors
from fakes.services.ecs.base import EcsBase, json_instance_ids
from fakes.services.ecs.state import Instance, KeyPair

#: "a JSON array that consists of up to 50 instance IDs" ([SDK] _attach_key_pair_request.py).
MAX_KEY_PAIR_INSTANCES = 50
#: [SDK] _import_key_pair_request.py: 2 to 128 characters, starting with a letter, not http(s)://.
_NAME = re.compile(r"^[^\W\d_][\w:.-]{1,127}$")
_KEY_TYPES = ("ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384")
#: Where a key pair bound to a Linux instance lands at the next start (A72).
ROOT_SSH = "/root/.ssh"
AUTHORIZED_KEYS = f"{ROOT_SSH}/authorized_keys"


def _not_found() -> ApiError:
    return ApiError("InvalidKeyPairName.NotFound", "The specified KeyPairName does not exist.", 404)


def _already_exists() -> ApiError:
    return ApiError("KeyPair.AlreadyExist", "The key pair already exists.", 400)


def _malformed_key() -> ApiError:
    return ApiError(
        "InvalidPublicKeyBody.Malformed", "The specified PublicKeyBody is not valid.", 400
    )


def _fingerprint(public_key: str) -> str | None:
    """RFC 4716's MD5 fingerprint of an OpenSSH public key line, or None when it is not one."""
    parts = public_key.split()
    if len(parts) < 2 or parts[0] not in _KEY_TYPES:
        return None
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        return None
    if blob[4 : 4 + int.from_bytes(blob[:4], "big")] != parts[0].encode():
        return None  # the blob names its own type first
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


class KeyPairActions(EcsBase):
    """Key pairs by (region, name), and the one bound to each instance until its next start."""

    @action("ImportKeyPair")
    def import_key_pair(self, call: Call) -> Response:
        name = call.params.require("KeyPairName")
        if not _NAME.match(name) or name.lower().startswith(("http://", "https://")):
            raise ApiError("InvalidKeyPairName.Malformed", "The KeyPairName is not valid.", 400)
        call.authorize(self.arn(call.region, "keypair", name))  # A72
        public_key = call.params.require("PublicKeyBody").strip()
        fingerprint = _fingerprint(public_key)
        if fingerprint is None:
            raise _malformed_key()
        if (call.region, name) in self.key_pairs:
            raise _already_exists()
        self.key_pairs[(call.region, name)] = KeyPair(
            name, call.region, public_key, fingerprint, call.now
        )
        return {"KeyPairName": name, "KeyPairFingerPrint": fingerprint}

    @action("AttachKeyPair")
    def attach_key_pair(self, call: Call) -> Response:
        name = call.params.require("KeyPairName")
        ids = json_instance_ids(call, required=True) or []
        if len(ids) > MAX_KEY_PAIR_INSTANCES:
            raise errors.too_many_instances()
        instances = self._instances(call, ids, authorize=True)  # A72: and the key pair
        call.authorize(self.arn(call.region, "keypair", name))
        key_pair = self.key_pairs.get((call.region, name))
        if key_pair is None:
            raise _not_found()
        if any(i.os != "linux" for i in instances):
            raise errors.unsupported("a key pair on a Windows instance")  # not supported there
        results = []
        for instance in instances:
            self.bound_key_pairs[instance.instance_id] = key_pair.name
            results.append(
                {
                    "InstanceId": instance.instance_id,
                    "Success": "true",
                    "Code": "200",
                    "Message": "successful",
                }
            )
        return {
            "KeyPairName": key_pair.name,
            "TotalCount": str(len(results)),
            "FailCount": "0",
            "Results": {"Result": results},
        }

    def reboot(self, instance: Instance, now: datetime) -> None:
        """At the start, the bound key pair's public key is root's only authorized key."""
        bound = self.bound_key_pairs.get(instance.instance_id)
        key_pair = self.key_pairs.get((instance.region, bound or ""))
        if key_pair is not None:
            files = instance.guest.files
            if files.get(ROOT_SSH) is None:
                files.mkdir(ROOT_SSH, mode=0o700)
            files.write(AUTHORIZED_KEYS, (key_pair.public_key + "\n").encode(), mode=0o600)
        super().reboot(instance, now)

    def snapshot(self, now: datetime) -> dict[str, Any]:
        """ECS's picture, with the key pairs (public keys are not secret) and their bindings."""
        picture = super().snapshot(now)
        picture["KeyPairs"] = [
            {
                "KeyPairName": k.name,
                "RegionId": k.region,
                "KeyPairFingerPrint": k.fingerprint,
                "InstanceIds": sorted(
                    i for i, bound in self.bound_key_pairs.items() if bound == k.name
                ),
            }
            for k in self.key_pairs.values()
        ]
        return picture
