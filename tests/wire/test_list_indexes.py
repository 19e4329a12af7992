"""`Name.N` lists: only the indexes the SDKs write (ASCII decimals from 1, no leading zero, no
gap) are read; anything else is a 400 naming the parameter, never a 500 or a guess (A28)."""

from __future__ import annotations

import pytest
import requests

from fakes import FakeCloud
from fakes.wire import rpc

from ._signer import sign_v3


@pytest.fixture
def cloud():
    with FakeCloud() as running:
        yield running


def _describe(cloud: FakeCloud, ids: dict[str, str]) -> requests.Response:
    query = {"RegionId": "cn-hangzhou", "Type": "RunShellScript", "CommandContent": "whoami"}
    signed = sign_v3(cloud.root_access_key, "RunCommand", {**query, **ids})
    return requests.post(signed.url, headers=signed.headers, timeout=5)


@pytest.mark.parametrize(
    "name",
    [
        "InstanceId.\u00b2",  # superscript two: int() refuses it, isdigit() does not
        "InstanceId.\u0661",  # Arabic-Indic one
        "InstanceId.\uff11",  # fullwidth one
        "InstanceId.01",
        "InstanceId.0",
        "InstanceId.1001",
        "InstanceId.",
    ],
    ids=["superscript", "arabic-indic", "fullwidth", "leading-zero", "zero", "too-big", "empty"],
)
def test_an_index_the_sdks_never_write_is_refused_by_name(cloud, name):
    linux = cloud.add_instance(users=["user01"])
    answer = _describe(cloud, {name: linux})
    assert (answer.status_code, answer.json()["Code"]) == (400, "InvalidParameter")
    assert f'"{name}"' in answer.json()["Message"]


def test_a_gap_in_the_indexes_is_refused_by_name(cloud):
    first, second = (cloud.add_instance(users=["user01"]) for _ in range(2))
    answer = _describe(cloud, {"InstanceId.1": first, "InstanceId.7": second})
    assert (answer.status_code, answer.json()["Code"]) == (400, "InvalidParameter")
    assert '"InstanceId.7"' in answer.json()["Message"]
    assert "`InstanceId.2` is missing" in answer.json()["Message"]


def test_a_gap_in_a_nested_list_is_refused(cloud):
    linux = cloud.add_instance(users=["user01"])
    answer = _describe(cloud, {"InstanceId.1": linux, "Tag.2.Key": "a"})
    assert (answer.status_code, answer.json()["Code"]) == (400, "InvalidParameter")
    assert '"Tag.2"' in answer.json()["Message"]


def test_contiguous_indexes_are_read_in_order(cloud):
    ids = [cloud.add_instance(users=["user01"]) for _ in range(11)]
    answer = _describe(cloud, {f"InstanceId.{n}": i for n, i in enumerate(ids, start=1)})
    assert answer.status_code == 200, answer.text


def test_a_name_with_digits_in_it_is_not_taken_for_an_index():
    rpc.check_list_indexes(["NetworkInterface.1.Ipv6Address.1", "Tag.1.Key", "Ipv6Address.1"])
