"""Containers on an instance, through the official SDK: a run sent into one runs as the
container's default user whatever Username says (A41); a container the instance does not run
fails the run there with `ContainerNotExists` (A110), so a typo never passes as root."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as m
from alibabacloud_ecs20140526.client import Client as EcsClient

from fakes import FakeCloud, control

from ._ca import REGION, output, result, run, saved


@pytest.fixture
def host(cloud: FakeCloud) -> str:
    """A Linux instance running `app` (default user root) and `web` (default user user02)."""
    return cloud.add_instance(
        users=["user01", "user02"], containers={"app": "root", "web": "user02"}
    )


def test_each_container_gets_a_64_hex_id(cloud: FakeCloud, host: str) -> None:
    ids = cloud.container_ids(host)
    assert sorted(ids) == ["app", "web"]
    assert all(len(i) == 64 and int(i, 16) >= 0 for i in ids.values())
    assert ids["app"] != ids["web"]


def test_a_run_by_name_or_by_id_runs_as_the_containers_default_user(
    cloud: FakeCloud, ecs: EcsClient, host: str
) -> None:
    ids = cloud.container_ids(host)
    for fields, user in (
        ({"container_name": "app"}, "root"),
        ({"container_id": ids["app"]}, "root"),
        ({"container_id": "docker://" + ids["app"]}, "root"),
        ({"container_name": "web"}, "user02"),
        ({"container_id": "containerd://" + ids["web"]}, "user02"),
    ):
        row = result(ecs, run(ecs, host, "whoami", username="user01", **fields))
        assert (output(row), row.exit_code, row.username) == (f"{user}\n", 0, user), fields


def test_a_container_the_instance_does_not_run_fails_there_and_runs_nothing(
    cloud: FakeCloud, ecs: EcsClient, host: str
) -> None:
    bare = cloud.add_instance(users=["user01"])  # declares no container: runs none
    for instance, fields in (
        (host, {"container_name": "db"}),
        (host, {"container_id": "c0ffee" * 10 + "c0ff"}),
        (host, {"container_name": cloud.container_ids(host)["app"]}),  # an id is not a name
        (bare, {"container_name": "app"}),
    ):
        row = result(ecs, run(ecs, instance, "whoami", username="user01", **fields))
        assert (row.invocation_status, row.error_code) == ("Failed", "ContainerNotExists")
        assert output(row) == ""
    assert cloud.guest(host).history == []
    assert cloud.guest(bare).history == []


def test_an_invocation_into_a_container_runs_as_its_default_user(ecs: EcsClient, host: str) -> None:
    invoke = m.InvokeCommandRequest(
        region_id=REGION,
        command_id=saved(ecs, "whoami"),
        instance_id=[host],
        username="root",
        container_name="web",
    )
    row = result(ecs, ecs.invoke_command(invoke).body.invoke_id)
    assert (output(row), row.username) == ("user02\n", "user02")


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"os": "windows", "users": {"user01": "Pw1!"}}, "Linux instances only"),
        ({"users": ["user01"], "containers": {"": "root"}}, "needs a name"),
        ({"users": ["user01"], "containers": {"app": "nobody"}}, "runs as `nobody`, which"),
    ],
)
def test_a_container_needs_linux_a_name_and_a_user_the_instance_has(
    cloud: FakeCloud, fields: dict[str, Any], says: str
) -> None:
    fields.setdefault("containers", {"app": "root"})
    with pytest.raises(ValueError, match=says):
        cloud.add_instance(**fields)


def test_the_control_plane_takes_containers(cloud: FakeCloud, ecs: EcsClient) -> None:
    body = {"os": "linux", "users": ["user01"], "containers": {"web": "user01"}}
    answer = control.answer(cloud, "POST", "/_fake/instances", json.dumps(body).encode())
    assert answer.status == 200
    instance = json.loads(answer.body)["InstanceId"]
    row = result(ecs, run(ecs, instance, "whoami", username="root", container_name="web"))
    assert output(row) == "user01\n"
    for bad, says in (
        (b'{"containers": ["app"]}', "`containers` must be an object"),
        (b'{"users": ["user01"], "containers": {"app": "nobody"}}', "which the instance lacks"),
    ):
        refused = control.answer(cloud, "POST", "/_fake/instances", bad)
        assert refused.status == 400
        assert says in json.loads(refused.body)["Error"]
