"""What several ECS actions read from a request the same way: `MaxResults`/`NextToken` paging
and `Tag.N.Key`/`Tag.N.Value` lists ([SDK] `_describe_send_file_results_request.py`,
`_describe_terminal_sessions_request.py`, `_send_file_request.py`); and the tags RAM sees on an
instance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from fakes.errors import invalid_parameter
from fakes.services.base import Call, ConditionContext, Response
from fakes.services.ecs.state import Instance
from fakes.wire.rpc import Params

T = TypeVar("T")
MAX_TAGS = 20


def sent_values(params: Params, names: frozenset[str]) -> dict[str, str]:
    """The values sent of those of `names` the call sent, each as `Params.text` reads it (an
    empty one is not sent): one look-up for each name sent, none for the others."""
    text = params.text
    found = {}
    for name in names.intersection(params):
        value = text(name)
        if value is not None:
            found[name] = value
    return found


def pages_by_token(call: Call) -> bool:
    """Whether the caller pages with `MaxResults`/`NextToken` rather than `PageNumber`."""
    return call.params.text("MaxResults") is not None or call.params.text("NextToken") is not None


def token_page(
    call: Call, items: Sequence[T], *, default: int, high: int
) -> tuple[list[T], int, str]:
    """The page `NextToken` points at (the start when absent), `MaxResults` long: the page, its
    size and the token of the next page ("" on the last). The fake's token is the offset of the
    next item; a token it did not give is refused, not read as the start."""
    size = call.params.number("MaxResults", default, low=1, high=high)
    token = call.params.text("NextToken")
    start = 0
    if token is not None:
        if not token.isdigit() or int(token) > len(items):
            raise invalid_parameter("NextToken", token[:32], "It is not a token this API gave.")
        start = int(token)
    end = start + size
    return list(items[start:end]), size, str(end) if end < len(items) else ""


def listing(
    call: Call,
    items: Sequence[object],
    outer: str,
    inner: str,
    *,
    default: int,
    high: int,
    tokens: bool = False,
) -> Response:
    """One page of `items` as ECS answers a list, `{outer: {inner: page}}` with `TotalCount`:
    by `PageNumber`/`PageSize`, or, where the API takes them (`tokens`) and the caller sends
    them, by `MaxResults`/`NextToken`. "When you use the MaxResults and NextToken parameters
    for paging, the returned TotalCount parameter value is meaningless" ([SDK]
    `_describe_send_file_results_response_body.py`): the fake's is the count all the same."""
    if tokens and pages_by_token(call):
        page, size, token = token_page(call, items, default=default, high=high)
        paging: dict[str, object] = {"PageSize": size, "NextToken": token}
    else:
        number = call.params.number("PageNumber", 1, low=1, high=10**6)
        size = call.params.number("PageSize", default, low=1, high=high)
        page = list(items[(number - 1) * size : number * size])
        paging = {"PageNumber": number, "PageSize": size}
    return {outer: {inner: page}, "TotalCount": len(items), **paging}


def tags_of(call: Call) -> dict[str, str]:
    """`Tag.N.Key` and `Tag.N.Value` as a mapping: a value needs its key, at most 20 tags."""
    tags: dict[str, str] = {}
    index = 1
    while True:
        key = call.params.text(f"Tag.{index}.Key")
        value = call.params.text(f"Tag.{index}.Value")
        if key is None and value is None:
            break
        if key is None:
            raise invalid_parameter(f"Tag.{index}.Key", "", "A tag value needs its key.")
        tags[key] = value or ""
        index += 1
    if len(tags) > MAX_TAGS:
        raise invalid_parameter("Tag", str(len(tags)), f"At most {MAX_TAGS} tags.")
    return tags


def has_tags(held: dict[str, str], wanted: dict[str, str]) -> bool:
    """Whether `held` carries every tag `wanted` names; a tag asked for with no value matches
    any value of its key (A81)."""
    return all(key in held and value in ("", held[key]) for key, value in wanted.items())


def resource_tags(instance: Instance) -> ConditionContext:
    """What RAM sees of an instance's tags: `acs:ResourceTag/<key>` is "the tag information
    attached to the requested resource" (https://www.alibabacloud.com/help/en/ram/use-cases/
    use-tags-to-control-access-to-ecs-resources-1), and tags decide who may run Cloud
    Assistant commands on an instance (https://www.alibabacloud.com/help/en/ecs/user-guide/
    control-the-executions-of-cloud-assistant-commands-based-on-tags; A83)."""
    return {f"acs:ResourceTag/{key}": (value,) for key, value in instance.tags.items()}
