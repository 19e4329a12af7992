"""The fake's side of a fleet, through the official ECS SDK: tags and resource groups filter
DescribeInstances, both paging styles page, DescribeCloudAssistantStatus reports each agent,
and a run sent to a stopped agent never reaches the guest."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as ecs
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from alibabacloud_tea_openapi.models import Config

from fakes import FakeCloud
from fakes.control import answer

REGION = "cn-hangzhou"


@pytest.fixture
def owner(fake_cloud: FakeCloud) -> EcsClient:
    key_id, secret = fake_cloud.root_access_key
    return EcsClient(Config(access_key_id=key_id, access_key_secret=secret, region_id=REGION))


def _listed(client: EcsClient, **asked: object) -> list[str]:
    body = client.describe_instances(ecs.DescribeInstancesRequest(region_id=REGION, **asked)).body
    return [str(i.instance_id) for i in body.instances.instance or []]


def _tag(key: str, value: str | None = None) -> ecs.DescribeInstancesRequestTag:
    return ecs.DescribeInstancesRequestTag(key=key, value=value)


def test_tags_filter_the_instances_listed(fake_cloud: FakeCloud, owner: EcsClient) -> None:
    prod = fake_cloud.add_fleet(3, users=["user01"], tags={"env": "prod", "team": "a"})
    dev = fake_cloud.add_fleet(2, users=["user01"], tags={"env": "dev"})
    fake_cloud.add_instance(users=["user01"])  # no tag at all
    assert sorted(_listed(owner, tag=[_tag("env", "prod")], page_size=100)) == sorted(prod)
    assert sorted(_listed(owner, tag=[_tag("env")], page_size=100)) == sorted(prod + dev)
    both = [_tag("env", "prod"), _tag("team", "b")]
    assert _listed(owner, tag=both) == []  # every tag must hold


def test_two_values_of_one_tag_key_match_no_instance(
    fake_cloud: FakeCloud, owner: EcsClient
) -> None:
    prod = fake_cloud.add_fleet(2, users=["user01"], tags={"env": "prod", "team": "a"})
    fake_cloud.add_fleet(2, users=["user01"], tags={"env": "dev"})
    assert _listed(owner, tag=[_tag("env", "prod"), _tag("env", "dev")]) == []
    assert _listed(owner, tag=[_tag("env", "prod"), _tag("env", "prod")]) == prod
    assert _listed(owner, tag=[_tag("team"), _tag("env", "prod")]) == prod  # key only, and pair
    assert _listed(owner, tag=[_tag("team"), _tag("env", "dev")]) == []


def test_listed_instances_carry_their_tags(fake_cloud: FakeCloud, owner: EcsClient) -> None:
    fake_cloud.add_instance(users=["user01"], tags={"env": "prod"})
    body = owner.describe_instances(ecs.DescribeInstancesRequest(region_id=REGION)).body
    tags = body.instances.instance[0].tags.tag
    assert [(t.tag_key, t.tag_value) for t in tags] == [("env", "prod")]


def test_a_resource_group_filters_the_instances(fake_cloud: FakeCloud, owner: EcsClient) -> None:
    group = fake_cloud.add_resource_group("web")
    inside = fake_cloud.add_instance(users=["user01"], resource_group_id=group)
    fake_cloud.add_instance(users=["user01"])
    assert _listed(owner, resource_group_id=group) == [inside]


def test_next_token_pages_through_every_instance_once(
    fake_cloud: FakeCloud, owner: EcsClient
) -> None:
    made = fake_cloud.add_fleet(250, users=["user01"], tags={"env": "prod"})
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        request = ecs.DescribeInstancesRequest(
            region_id=REGION, tag=[_tag("env", "prod")], max_results=100, next_token=token
        )
        body = owner.describe_instances(request).body
        seen += [str(i.instance_id) for i in body.instances.instance]
        pages += 1
        token = body.next_token or None
        if token is None:
            break
    assert (pages, seen) == (3, made)


def test_total_count_is_every_match_on_every_page(fake_cloud: FakeCloud, owner: EcsClient) -> None:
    fake_cloud.add_fleet(120, users=["user01"], tags={"env": "prod"})
    fake_cloud.add_fleet(30, users=["user01"], tags={"env": "dev"})
    prod = [_tag("env", "prod")]
    by_number = ecs.DescribeInstancesRequest(
        region_id=REGION, tag=prod, page_size=50, page_number=3
    )
    body = owner.describe_instances(by_number).body
    assert (body.total_count, len(body.instances.instance)) == (120, 20)
    by_token = ecs.DescribeInstancesRequest(region_id=REGION, tag=prod, max_results=100)
    body = owner.describe_instances(by_token).body
    assert (body.total_count, len(body.instances.instance)) == (120, 100)
    following = ecs.DescribeInstancesRequest(
        region_id=REGION, tag=prod, max_results=100, next_token=body.next_token
    )
    body = owner.describe_instances(following).body
    assert (body.total_count, len(body.instances.instance), body.next_token) == (120, 20, "")


def test_named_instances_must_meet_the_other_conditions_too(
    fake_cloud: FakeCloud, owner: EcsClient
) -> None:
    prod = fake_cloud.add_fleet(20, users=["user01"], tags={"env": "prod"})
    dev = fake_cloud.add_fleet(20, users=["user01"], tags={"env": "dev"})
    named = [*reversed(prod[:5]), *dev[:5], "i-nosuchinstance0000"]
    asked = ecs.DescribeInstancesRequest(
        region_id=REGION, instance_ids=json.dumps(named), tag=[_tag("env", "prod")], page_size=100
    )
    body = owner.describe_instances(asked).body
    assert [str(i.instance_id) for i in body.instances.instance] == prod[:5]  # in made order
    assert body.total_count == 5


def test_a_tag_added_between_pages_counts_on_the_next(
    fake_cloud: FakeCloud, owner: EcsClient
) -> None:
    fake_cloud.add_fleet(12, users=["user01"], tags={"env": "prod"})
    (late,) = fake_cloud.add_fleet(1, users=["user01"], tags={"env": "dev"})
    asked = ecs.DescribeInstancesRequest(
        region_id=REGION, tag=[_tag("env", "prod")], max_results=10
    )
    assert owner.describe_instances(asked).body.total_count == 12
    owner.tag_resources(
        ecs.TagResourcesRequest(
            region_id=REGION,
            resource_type="instance",
            resource_id=[late],
            tag=[ecs.TagResourcesRequestTag(key="env", value="prod")],
        )
    )
    body = owner.describe_instances(asked).body
    following = ecs.DescribeInstancesRequest(
        region_id=REGION, tag=[_tag("env", "prod")], max_results=10, next_token=body.next_token
    )
    last = owner.describe_instances(following).body
    assert (body.total_count, last.total_count) == (13, 13)
    assert str(last.instances.instance[-1].instance_id) == late


def test_max_results_below_ten_is_taken_as_ten(fake_cloud: FakeCloud, owner: EcsClient) -> None:
    fake_cloud.add_fleet(15, users=["user01"])
    assert len(_listed(owner, max_results=3)) == 10  # the SDK's reference: "less than 10: 10"


def test_a_token_the_fake_did_not_make_is_refused(owner: EcsClient) -> None:
    with pytest.raises(AlibabaCloudException) as refused:
        _listed(owner, next_token="not-a-token")
    assert (refused.value.code, refused.value.status_code) == ("InvalidParameter", 400)


def _statuses(client: EcsClient, ids: list[str]) -> dict[str, object]:
    request = ecs.DescribeCloudAssistantStatusRequest(region_id=REGION, instance_id=ids)
    body = client.describe_cloud_assistant_status(request).body
    rows = body.instance_cloud_assistant_status_set.instance_cloud_assistant_status
    return {str(r.instance_id): r for r in rows}


def test_the_agent_status_says_stopped_silent_and_running(
    fake_cloud: FakeCloud, owner: EcsClient
) -> None:
    running, stopped, silent = fake_cloud.add_fleet(3, users=["user01"])
    fake_cloud.set_agent(stopped, "stopped", seconds_ago=600)
    fake_cloud.set_agent(silent, "silent", seconds_ago=7200, version="1.0.0.1")
    rows: dict[str, Any] = _statuses(owner, [running, stopped, silent])  # type: ignore[assignment]
    assert [rows[i].cloud_assistant_status for i in (running, stopped, silent)] == [
        "true",
        "false",
        "true",
    ]
    assert rows[silent].cloud_assistant_version == "1.0.0.1"
    beats = {i: rows[i].last_heartbeat_time for i in rows}
    assert beats[silent] < beats[stopped] < beats[running]


def test_named_instances_are_answered_unpaged(fake_cloud: FakeCloud, owner: EcsClient) -> None:
    made = fake_cloud.add_fleet(60, users=["user01"])
    assert sorted(_statuses(owner, made)) == sorted(made)  # PageSize does not apply to ids


def test_the_status_listing_filters_by_os_type(fake_cloud: FakeCloud, owner: EcsClient) -> None:
    fake_cloud.add_fleet(3, users=["user01"])
    windows = fake_cloud.add_instance(os="windows", users={"user01": "Passw0rd!"})
    request = ecs.DescribeCloudAssistantStatusRequest(region_id=REGION, ostype="Windows")
    body = owner.describe_cloud_assistant_status(request).body
    rows = body.instance_cloud_assistant_status_set.instance_cloud_assistant_status
    assert ([str(r.instance_id) for r in rows], body.total_count) == ([windows], 1)
    every = ecs.DescribeCloudAssistantStatusRequest(region_id=REGION, max_results=50)
    assert owner.describe_cloud_assistant_status(every).body.total_count == 4


def test_a_status_page_holds_at_most_fifty(fake_cloud: FakeCloud, owner: EcsClient) -> None:
    fake_cloud.add_fleet(3, users=["user01"])
    request = ecs.DescribeCloudAssistantStatusRequest(region_id=REGION, max_results=51)
    with pytest.raises(AlibabaCloudException) as refused:
        owner.describe_cloud_assistant_status(request)
    assert refused.value.code == "InvalidParameter"


def test_a_run_on_a_stopped_agent_fails_there_and_runs_nothing(
    fake_cloud: FakeCloud, owner: EcsClient
) -> None:
    healthy, stopped = fake_cloud.add_fleet(2, users=["user01"])
    fake_cloud.set_agent(stopped, "stopped")
    invoke = owner.run_command(
        ecs.RunCommandRequest(
            region_id=REGION,
            type="RunShellScript",
            command_content="whoami",
            instance_id=[healthy, stopped],
            username="user01",
        )
    ).body.invoke_id
    for _ in range(3):
        body = owner.describe_invocation_results(
            ecs.DescribeInvocationResultsRequest(region_id=REGION, invoke_id=invoke)
        ).body
    rows = {r.instance_id: r for r in body.invocation.invocation_results.invocation_result}
    assert (rows[stopped].invocation_status, rows[stopped].error_code) == (
        "Failed",
        "ClientNotRunning",
    )
    assert rows[healthy].invocation_status == "Success"
    assert fake_cloud.guest(stopped).history == []


def test_the_server_makes_a_fleet_and_stops_an_agent(fake_cloud: FakeCloud) -> None:
    made = answer(
        fake_cloud,
        "POST",
        "/_fake/fleet",
        json.dumps({"count": 4, "users": ["user01"], "tags": {"env": "prod"}}).encode(),
    )
    ids = json.loads(made.body)["InstanceIds"]
    assert made.status == 200
    assert len(ids) == 4
    stopped = answer(
        fake_cloud,
        "POST",
        "/_fake/agent",
        json.dumps({"instance_id": ids[0], "state": "stopped"}).encode(),
    )
    assert stopped.status == 200
    assert fake_cloud.snapshot()["Instances"][0]["CloudAssistantOnline"] is False


@pytest.mark.parametrize(
    ("path", "spec", "says"),
    [
        ("fleet", {"count": "many"}, "`count` must be a number"),
        ("fleet", {"count": 0}, "a fleet has 1 to 100000 instances"),
        ("fleet", {"count": 2, "tags": {"env": 1}}, "`tags` must be an object"),
        ("agent", {"state": "stopped"}, "`instance_id` is required"),
        ("agent", {"instance_id": "i-none", "state": "stopped"}, "no instance `i-none`"),
        ("agent", {"instance_id": "i-x", "colour": "red"}, "unknown field `colour`"),
    ],
)
def test_the_control_plane_says_what_is_wrong_in_one_line(
    fake_cloud: FakeCloud, path: str, spec: dict[str, object], says: str
) -> None:
    refused = answer(fake_cloud, "POST", f"/_fake/{path}", json.dumps(spec).encode())
    assert refused.status == 400
    assert says in json.loads(refused.body)["Error"]
