"""SendFile's records are kept as invocations are (A103): at most the invocation limit of them,
30 days each, the oldest written forgotten first, and a forgotten one is as if it never was."""

from __future__ import annotations

from datetime import timedelta

from alibabacloud_ecs20140526 import models as m
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_tea_openapi.models import Config

from fakes import FakeCloud

REGION = "cn-hangzhou"


def _client(cloud: FakeCloud) -> EcsClient:
    key_id, secret = cloud.root_access_key
    return EcsClient(Config(access_key_id=key_id, access_key_secret=secret, region_id=REGION))


def _send(ecs: EcsClient, instance: str, name: str) -> str:
    return ecs.send_file(
        m.SendFileRequest(
            region_id=REGION,
            instance_id=[instance],
            name=name,
            target_dir="/tmp",
            content="hello",
        )
    ).body.invoke_id


def _listed(ecs: EcsClient, **filters: str) -> list[str]:
    found = ecs.describe_send_file_results(
        m.DescribeSendFileResultsRequest(region_id=REGION, page_size=50, **filters)
    ).body
    names = [i.invoke_id for i in found.invocations.invocation]
    assert found.total_count == len(names)
    return names


def test_beyond_the_cap_the_oldest_file_written_is_forgotten_and_its_file_stays() -> None:
    with FakeCloud(invocation_limit=2) as cloud:
        ecs = _client(cloud)
        linux = cloud.add_instance(os="linux", region=REGION, users=["user01"])
        sent = []
        for number in range(3):
            sent.append(_send(ecs, linux, f"f{number}"))
            cloud.clock.advance(timedelta(seconds=5))
            _listed(ecs)  # a read writes what is due
        assert _listed(ecs) == sent[:0:-1]
        assert _listed(ecs, invoke_id=sent[0]) == []
        # Forgetting the record undoes nothing on the instance.
        assert cloud.ecs.instances[linux].guest.files.get("/tmp/f0") is not None


def test_a_file_not_written_yet_is_kept_past_the_cap() -> None:
    with FakeCloud(invocation_limit=1) as cloud:
        ecs = _client(cloud)
        linux = cloud.add_instance(os="linux", region=REGION, users=["user01"])
        sent = [_send(ecs, linux, f"f{number}") for number in range(2)]
        assert list(cloud.ecs.deliveries) == sent  # neither written yet: both kept
        # The read two ticks after the first writes it, not the second: the first goes.
        assert _listed(ecs) == sent[1:]


def test_thirty_days_later_a_file_record_is_forgotten() -> None:
    with FakeCloud() as cloud:
        ecs = _client(cloud)
        linux = cloud.add_instance(os="linux", region=REGION, users=["user01"])
        invoke_id = _send(ecs, linux, "f")
        cloud.clock.advance(timedelta(days=29))
        assert _listed(ecs) == [invoke_id]
        cloud.clock.advance(timedelta(days=1))
        assert _listed(ecs) == []
        assert cloud.ecs.deliveries == {}
