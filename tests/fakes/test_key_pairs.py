"""SSH key pairs through the official SDK: AttachKeyPair is authorized with its real action, and
at the next restart the key pair's public key is root's authorized key (A72)."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable

import pytest
from alibabacloud_ecs20140526 import models as m
from alibabacloud_ecs20140526.client import Client as EcsClient

from fakes import FakeCloud

from ._ca import REGION, ran, refused
from .conftest import Key


def _public_key(comment: str = "commandUser") -> str:
    """An OpenSSH ed25519 public key line (type-prefixed blob, 32 key bytes)."""
    kind = b"ssh-ed25519"
    blob = len(kind).to_bytes(4, "big") + kind + (32).to_bytes(4, "big") + os.urandom(32)
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} {comment}"


def _import(ecs: EcsClient, name: str, public_key: str) -> m.ImportKeyPairResponseBody:
    request = m.ImportKeyPairRequest(
        region_id=REGION, key_pair_name=name, public_key_body=public_key
    )
    return ecs.import_key_pair(request).body


def _attach(ecs: EcsClient, instance: str, name: str) -> m.AttachKeyPairResponseBody:
    request = m.AttachKeyPairRequest(
        region_id=REGION, instance_ids=json.dumps([instance]), key_pair_name=name
    )
    return ecs.attach_key_pair(request).body


def _reboot(ecs: EcsClient, instance: str) -> None:
    ecs.reboot_instance(m.RebootInstanceRequest(instance_id=instance))


def test_the_bound_key_is_roots_after_the_next_restart(ecs: EcsClient, linux: str) -> None:
    key = _public_key()
    imported = _import(ecs, "opsKey", key)
    assert imported.key_pair_name == "opsKey"
    assert len(imported.key_pair_finger_print.split(":")) == 16
    attached = _attach(ecs, linux, "opsKey")
    assert (attached.total_count, attached.fail_count) == ("1", "0")
    [row] = attached.results.result
    assert (row.instance_id, row.success) == (linux, "true")
    keys = "cat /root/.ssh/authorized_keys"
    assert ran(ecs, linux, keys)[1] == 1  # not before the restart
    _reboot(ecs, linux)
    assert ran(ecs, linux, keys) == (key + "\n", 0)
    assert ran(ecs, linux, "stat -c '%U %G %a' /root/.ssh/authorized_keys") == (
        "root root 600\n",
        0,
    )
    assert ran(ecs, linux, keys, username="user01")[1] == 1  # root's alone
    second = _public_key("second")
    _import(ecs, "second", second)
    _attach(ecs, linux, "second")
    _reboot(ecs, linux)
    assert ran(ecs, linux, keys) == (second + "\n", 0)  # the new key pair replaces the old


def test_attaching_a_key_pair_is_authorized_on_the_instance_and_the_key_pair(
    ecs: EcsClient,
    ecs_as: Callable[..., EcsClient],
    ram_user: Callable[..., Key],
    guide_policy: Callable[[str], str],
    linux: str,
) -> None:
    _import(ecs, "opsKey", _public_key())
    guide = ram_user("commandUser", custom={"commandUserPolicy": guide_policy("denylist")})
    error = refused(lambda: _attach(ecs_as(guide), linux, "opsKey"))
    assert (error.code, error.status_code) == ("Forbidden.RAM", 403)
    assert error.access_denied_detail["AuthAction"] == "ecs:AttachKeyPair"
    only_instances = json.dumps(
        {
            "Version": "1",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "ecs:AttachKeyPair",
                    "Resource": "acs:ecs:*:*:instance/*",
                }
            ],
        }
    )
    half = ram_user("half", custom={"instancesOnly": only_instances})
    error = refused(lambda: _attach(ecs_as(half), linux, "opsKey"))
    assert error.code == "Forbidden.RAM"  # the key pair's own resource is authorized too
    full = ram_user("operator", system=["AliyunECSFullAccess"])
    assert _attach(ecs_as(full), linux, "opsKey").fail_count == "0"


@pytest.mark.parametrize(
    ("public_key", "code"),
    [
        ("ssh-ed25519 not-base64!", "InvalidPublicKeyBody.Malformed"),
        ("ssh-dss AAAAB3NzaC1kc3M=", "InvalidPublicKeyBody.Malformed"),
        (
            "ssh-rsa " + base64.b64encode(b"\x00\x00\x00\x0bssh-ed25519").decode(),
            "InvalidPublicKeyBody.Malformed",
        ),
    ],
)
def test_a_public_key_that_is_not_one_is_refused(
    ecs: EcsClient, public_key: str, code: str
) -> None:
    error = refused(lambda: _import(ecs, "bad", public_key))
    assert (error.code, error.status_code) == (code, 400)


def test_names_and_instances_the_fake_refuses(
    cloud: FakeCloud, ecs: EcsClient, linux: str, windows: str
) -> None:
    _import(ecs, "opsKey", _public_key())
    assert refused(lambda: _import(ecs, "opsKey", _public_key())).code == "KeyPair.AlreadyExist"
    assert refused(lambda: _import(ecs, "1st", _public_key())).code == (
        "InvalidKeyPairName.Malformed"
    )
    missing = refused(lambda: _attach(ecs, linux, "nothing"))
    assert (missing.code, missing.status_code) == ("InvalidKeyPairName.NotFound", 404)
    on_windows = refused(lambda: _attach(ecs, windows, "opsKey"))
    assert on_windows.code == "UnsupportedParameter"  # Windows takes no SSH key pair
    assert refused(lambda: _attach(ecs, "i-nothing", "opsKey")).code == ("InvalidInstance.NotFound")
    [pair] = cloud.snapshot()["KeyPairs"]
    assert (pair["KeyPairName"], pair["InstanceIds"]) == ("opsKey", [])
