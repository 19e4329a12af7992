"""Instance tags, and RAM's `acs:ResourceTag/<key>` on them (A83, A84), through the official
SDK: the mechanism features/policies/denyRunsOnContainerHosts.json relies on to keep
commandUser off the instances that host containers, where no run-as condition holds."""

from __future__ import annotations

import json
from collections.abc import Callable

from alibabacloud_ecs20140526 import models as m
from alibabacloud_ecs20140526.client import Client as EcsClient

from fakes import FakeCloud

from ._ca import REGION, output, refused, result, run, saved
from .conftest import GUIDE_POLICIES, Key

CONTAINER_HOSTS = (GUIDE_POLICIES / "denyRunsOnContainerHosts.json").read_text()
SIDE_DOORS_CLOSED = (GUIDE_POLICIES / "commandUserPolicy.side-doors-closed.json").read_text()


def _tag(ecs: EcsClient, instance: str, key: str, value: str) -> None:
    ecs.tag_resources(
        m.TagResourcesRequest(
            region_id=REGION,
            resource_type="instance",
            resource_id=[instance],
            tag=[m.TagResourcesRequestTag(key=key, value=value)],
        )
    )


def _tags(ecs: EcsClient, instance: str) -> dict[str, str]:
    rows = ecs.describe_tags(
        m.DescribeTagsRequest(region_id=REGION, resource_type="instance", resource_id=instance)
    ).body.tags.tag
    return {row.tag_key: row.tag_value for row in rows}


def test_tags_are_added_described_and_removed(cloud: FakeCloud, ecs: EcsClient) -> None:
    instance = cloud.add_instance(os="linux", region=REGION, tags={"team": "ops"})
    assert _tags(ecs, instance) == {"team": "ops"}
    _tag(ecs, instance, "hosts-containers", "true")
    assert _tags(ecs, instance) == {"team": "ops", "hosts-containers": "true"}
    ecs.untag_resources(
        m.UntagResourcesRequest(
            region_id=REGION, resource_type="instance", resource_id=[instance], tag_key=["team"]
        )
    )
    assert _tags(ecs, instance) == {"hosts-containers": "true"}
    ecs.untag_resources(
        m.UntagResourcesRequest(
            region_id=REGION, resource_type="instance", resource_id=[instance], all=True
        )
    )
    assert _tags(ecs, instance) == {}


def _command_user(ram_user: Callable[..., Key]) -> Key:
    return ram_user(
        "commandUser",
        custom={"sideDoorsClosed": SIDE_DOORS_CLOSED, "containerHosts": CONTAINER_HOSTS},
        system=["AliyunECSFullAccess"],
    )


def test_no_run_reaches_an_instance_tagged_as_a_container_host(
    cloud: FakeCloud,
    ecs: EcsClient,
    ecs_as: Callable[..., EcsClient],
    ram_user: Callable[..., Key],
) -> None:
    host = cloud.add_instance(
        os="linux", region=REGION, users=["user01"], tags={"hosts-containers": "true"}
    )
    client = ecs_as(_command_user(ram_user))
    for fields in ({"container_name": "app"}, {}):
        denied = refused(lambda f=fields: run(client, host, "whoami", username="user01", **f))
        assert denied.code == "Forbidden.RAM"
        assert denied.access_denied_detail["NoPermissionType"] == "ExplicitDeny"
    command_id = saved(ecs, "whoami")
    invoke = m.InvokeCommandRequest(
        region_id=REGION,
        command_id=command_id,
        instance_id=[host],
        username="user01",
        container_id="c0ffee",
    )
    assert refused(lambda: client.invoke_command(invoke)).code == "Forbidden.RAM"
    assert cloud.guest(host).history == []


def test_an_untagged_container_host_stays_open_and_commanduser_cannot_untag(
    cloud: FakeCloud,
    ecs: EcsClient,
    ecs_as: Callable[..., EcsClient],
    ram_user: Callable[..., Key],
) -> None:
    untagged = cloud.add_instance(
        os="linux", region=REGION, users=["user01"], containers={"app": "root"}
    )
    tagged = cloud.add_instance(
        os="linux", region=REGION, users=["user01"], tags={"hosts-containers": "true"}
    )
    client = ecs_as(_command_user(ram_user))
    row = result(ecs, run(client, untagged, "whoami", username="user01", container_name="app"))
    assert output(row) == "root\n"  # the tag is what closes the door, not the container
    untag = m.UntagResourcesRequest(
        region_id=REGION, resource_type="instance", resource_id=[tagged], all=True
    )
    assert refused(lambda: client.untag_resources(untag)).code == "Forbidden.RAM"
    assert refused(lambda: _tag(client, untagged, "hosts-containers", "false")).code == (
        "Forbidden.RAM"
    )
    assert _tags(ecs, tagged) == {"hosts-containers": "true"}


def test_send_file_is_authorized_with_the_instance_tags(
    cloud: FakeCloud,
    ecs_as: Callable[..., EcsClient],
    ram_user: Callable[..., Key],
) -> None:
    """Alibaba's own scenario: a RAM user may send files only to instances with a tag."""
    policy = {
        "Version": "1",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "ecs:SendFile",
                "Resource": "acs:ecs:*:*:instance/*",
                "Condition": {"StringEquals": {"acs:ResourceTag/team": "ops"}},
            }
        ],
    }
    client = ecs_as(ram_user("filer", custom={"opsOnly": json.dumps(policy)}))
    ops = cloud.add_instance(os="linux", region=REGION, tags={"team": "ops"})
    other = cloud.add_instance(os="linux", region=REGION, tags={"team": "dev"})

    def send(instance: str) -> object:
        return client.send_file(
            m.SendFileRequest(
                region_id=REGION, instance_id=[instance], name="f", target_dir="/tmp", content="x"
            )
        )

    send(ops)
    assert refused(lambda: send(other)).code == "Forbidden.RAM"
