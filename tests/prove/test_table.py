"""Issue 13's table, reproduced by `python -m harness prove`, and each witness run through the
fake cloud (RunCommand through the official SDK) with the outcome the proof predicts."""

from __future__ import annotations

import contextlib
import functools
import io
import json
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi.models import Config
from Tea.exceptions import TeaException

from fakes import FakeCloud
from harness.prove.cli import main

from .conftest import FORMS

REGION = "cn-hangzhou"

# (row, policies, more arguments, expected verdict, a witness's letter-case family or None)
TABLE = [
    ("allow-list", ["allow-list"], [], "safe", None),
    ("deny-list, key always present (A1)", ["deny-list"], [], "safe", None),
    (
        "deny-list",
        ["deny-list"],
        ["--instance-users", "user01,user02"],
        "exposed",
        "ecs-assist-user",
    ),
    (
        "allow-list with StringLike user0*",
        ["allow-list glob"],
        ["--compare", str(FORMS["allow-list"])],
        "exposed",
        "user0root",
    ),
    (
        "deny-list + AliyunECSFullAccess",
        ["deny-list", "AliyunECSFullAccess"],
        [],
        "exposed",
        "root",
    ),
    ("the same + the hardened Deny", ["hardened", "AliyunECSFullAccess"], [], "safe", None),
]


@functools.cache
def _proved(labels: tuple[str, ...], more: tuple[str, ...]) -> tuple[int, str]:
    arguments = [str(FORMS.get(label, label)) for label in labels]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([*arguments, *more, "--json"])
    return code, out.getvalue()


def _prove(labels: list[str], more: list[str]) -> tuple[int, dict[str, Any]]:
    """Each row is proved once per test session; both tests of a row read the same answer."""
    code, out = _proved(tuple(labels), tuple(more))
    return code, json.loads(out)


def _in_family(witness: str, family: str) -> bool:
    if family == "user0root":  # "user0root...": a glob's prefix, then a name chosen to mislead
        return witness.startswith("user0") and "root" in witness.casefold()
    return witness.casefold() == family.casefold()


@pytest.mark.parametrize(
    ("row", "labels", "more", "verdict", "family"), TABLE, ids=[r[0] for r in TABLE]
)
def test_the_table_row_is_reproduced(row, labels, more, verdict, family) -> None:
    code, body = _prove(labels, more)
    assert body["verdict"] == verdict
    assert code == {"safe": 0, "exposed": 1}[verdict]
    for action in ("ecs:RunCommand", "ecs:InvokeCommand"):
        found = body["actions"][action]
        assert found["verdict"] == verdict
        if family is None:
            assert found["witnesses"] == []
            assert found["statement"] is None
        else:
            assert any(_in_family(w, family) for w in found["witnesses"]), found["witnesses"]
            assert found["statement"]


def test_naming_no_user_runs_under_the_deny_list_only_if_a1_is_false() -> None:
    _code, body = _prove(["deny-list"], [])
    unnamed = body["actions"]["ecs:RunCommand"]["naming_no_user_if_a1_false"]
    assert unnamed["verdict"] == "allowed"
    assert unnamed["statement"] == "commandUserPolicy statement 1"
    _code, body = _prove(["allow-list"], [])
    assert body["actions"]["ecs:RunCommand"]["naming_no_user_if_a1_false"]["verdict"] == "refused"


# --- each witness through the fake ------------------------------------------------------------


def _config(key: tuple[str, str]) -> Config:
    return Config(access_key_id=key[0], access_key_secret=key[1], region_id=REGION)


def _command_user(cloud: FakeCloud, labels: list[str]) -> EcsClient:
    ram = RamClient(_config(cloud.root_access_key))
    ram.create_user(ram_models.CreateUserRequest(user_name="commandUser"))
    for label in labels:
        if label in FORMS:
            name = f"p{len(label)}{labels.index(label)}"
            document = FORMS[label].read_text()
            ram.create_policy(
                ram_models.CreatePolicyRequest(policy_name=name, policy_document=document)
            )
            kind = "Custom"
        else:
            name, kind = label, "System"
        ram.attach_policy_to_user(
            ram_models.AttachPolicyToUserRequest(
                policy_type=kind, policy_name=name, user_name="commandUser"
            )
        )
    key = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name="commandUser")).body
    return EcsClient(_config((key.access_key.access_key_id, key.access_key.access_key_secret)))


def _run_as(client: EcsClient, instance: str, name: str | None) -> str:
    """`accepted`, or the refusal's code."""
    request = ecs_models.RunCommandRequest(
        region_id=REGION,
        type="RunShellScript",
        command_content="whoami",
        instance_id=[instance],
        username=name,
    )
    try:
        client.run_command(request)
    except TeaException as refusal:
        return str(refusal.code)
    return "accepted"


@pytest.mark.parametrize(
    ("row", "labels", "more", "verdict", "family"), TABLE, ids=[r[0] for r in TABLE]
)
def test_each_witness_runs_through_the_fake_as_predicted(
    fake_cloud: FakeCloud, row, labels, more, verdict, family
) -> None:
    _code, body = _prove(labels, more)
    witnesses = body["actions"]["ecs:RunCommand"]["witnesses"]
    instance = fake_cloud.add_instance(
        os="linux", region=REGION, users=["user01", "user02", *witnesses]
    )
    client = _command_user(fake_cloud, labels)
    for witness in witnesses:
        assert _run_as(client, instance, witness) == "accepted", witness
    if verdict == "safe":  # the proof says never: the fake refuses every spelling tried
        for name in ("root", "Root", "SYSTEM", "system", None):
            assert _run_as(client, instance, name) == "Forbidden.RAM", name


def test_a_policy_on_instances_only_lets_runcommand_through_as_the_fake_does(
    fake_cloud: FakeCloud, tmp_path
) -> None:
    """Alibaba's sample policy names `instance/*` only: RunCommand is authorized on the instance
    alone (A7), so the prover finds user01 allowed and the fake runs it; InvokeCommand also
    needs the command, which this policy does not name, so it is never allowed."""
    document = json.loads(FORMS["allow-list"].read_text())
    for statement in document["Statement"]:
        statement["Resource"] = "acs:ecs:*:*:instance/*"
    path = tmp_path / "instances-only.json"
    path.write_text(json.dumps(document))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([str(path), "--json"])
    body = json.loads(out.getvalue())
    assert code == 0
    assert body["actions"]["ecs:RunCommand"]["allowed_names"]["names"] == ["user01", "user02"]
    assert body["actions"]["ecs:InvokeCommand"]["allowed_names"]["names"] == []
    instance = fake_cloud.add_instance(os="linux", region=REGION, users=["user01"])
    key_id, secret = fake_cloud.root_access_key
    ram = RamClient(Config(access_key_id=key_id, access_key_secret=secret, region_id=REGION))
    ram.create_user(ram_models.CreateUserRequest(user_name="commandUser"))
    ram.create_policy(
        ram_models.CreatePolicyRequest(policy_name="onInstances", policy_document=path.read_text())
    )
    ram.attach_policy_to_user(
        ram_models.AttachPolicyToUserRequest(
            policy_type="Custom", policy_name="onInstances", user_name="commandUser"
        )
    )
    made = ram.create_access_key(ram_models.CreateAccessKeyRequest(user_name="commandUser"))
    key = made.body.access_key
    client = EcsClient(
        Config(
            access_key_id=key.access_key_id,
            access_key_secret=key.access_key_secret,
            region_id=REGION,
        )
    )
    assert _run_as(client, instance, "user01") == "accepted"
    assert _run_as(client, instance, "root") == "Forbidden.RAM"
