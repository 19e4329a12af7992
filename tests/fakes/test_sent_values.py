"""`sent_values`, how the reads of invocations read their parameters once: for every name it is
asked about, what `Params.text` reads, and nothing for a name not sent or sent empty."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fakes.services.ecs.requests import sent_values
from fakes.wire.rpc import Params

NAMES = ("InvokeId", "InstanceId", "PageSize", "NextToken", "ContentEncoding")
asked = st.frozensets(st.sampled_from(NAMES))
sent = st.dictionaries(
    st.sampled_from([*NAMES, "RegionId", "InstanceId.1"]), st.sampled_from(["", "0", "i-1", "x"])
)


@given(sent, asked)
def test_each_name_asked_about_reads_as_params_text(
    values: dict[str, str], names: frozenset[str]
) -> None:
    params = Params(values)
    found = sent_values(params, names)
    assert set(found) <= names
    for name in names:
        assert found.get(name) == params.text(name), name


def test_a_name_sent_empty_is_not_sent() -> None:
    params = Params({"InvokeId": "", "PageSize": "5", "RegionId": "cn-hangzhou"})
    assert sent_values(params, frozenset({"InvokeId", "PageSize"})) == {"PageSize": "5"}
