"""`sent_values`, how the reads of invocations read their parameters once: for every name it is
asked about, what `Params.text` reads, and nothing for a name not sent or sent empty; and a page
asked for by number, read from them, is the one reading every paging parameter gave."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from fakes.errors import ApiError
from fakes.services.ecs.base import page_request
from fakes.services.ecs.invocations import _READ
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


def _page_read_in_full(params: Params) -> tuple[object, ...]:
    """`page_request` by page number as it read every paging parameter, sent or not."""
    number = params.number("PageNumber", 1, low=1, high=10**6)
    size = params.number("PageSize", 10, low=1, high=50)
    return ((number - 1) * size, size, number, None, False)


def _outcome(read: Callable[[], object]) -> object:
    try:
        return read()
    except ApiError as err:
        return (err.code, err.message)


@given(
    st.dictionaries(
        st.sampled_from(["PageNumber", "PageSize", "InvokeId"]),
        st.sampled_from(["", "1", "2", "0", "50", "51", "x", "-1", "1000000", "1000001"]),
    )
)
def test_a_page_by_number_reads_as_reading_every_paging_parameter(values: dict[str, str]) -> None:
    """The page number and size left out of `sent` (not sent, or sent empty) take their
    defaults, and one sent is read (and refused) as reading it always did."""
    params = Params(values)
    call = SimpleNamespace(params=params)
    sent = sent_values(params, _READ)
    assert _outcome(lambda: tuple(page_request(call, sent, default=10, high=50))) == _outcome(
        lambda: _page_read_in_full(params)
    )
