"""The one serializer: every success and every error body the fake writes goes through here."""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from fakes.errors import ApiError
from fakes.wire.http import HttpResponse

JSON = {"Content-Type": "application/json;charset=utf-8"}

#: Product codes as the troubleshooting link spells them.
_PRODUCT_NAMES = {"ecs": "Ecs", "ram": "Ram", "sts": "Sts", "oos": "Oos", "kms": "Kms"}


def _encoder() -> Callable[[Any], str]:
    """`json.dumps` with its default settings, byte for byte, made once: `json.dumps` builds
    its C encoder anew for every call. Without the C encoder (`json.encoder.c_make_encoder`
    is None off CPython), `json.dumps` itself. The bodies hold no cycle, so none is looked for."""
    make = getattr(json.encoder, "c_make_encoder", None)  # not in typeshed
    if make is None:
        return json.dumps
    defaults = json.JSONEncoder()
    try:  # an undocumented CPython detail: any change to it and `json.dumps` serves instead
        chunks = make(
            None,  # no cycle check
            defaults.default,
            json.encoder.encode_basestring_ascii,
            None,  # no indent
            defaults.key_separator,
            defaults.item_separator,
            False,  # sort_keys
            False,  # skipkeys
            True,  # allow_nan
        )

        def encoded(value: Any) -> str:
            return "".join(chunks(value, 0))

        if encoded(_SAMPLE) != _SAMPLE_WRITTEN:
            return json.dumps
    except Exception:
        return json.dumps
    return encoded


#: What the made encoder must write, exactly as `json.dumps` writes it, before it is used.
_SAMPLE: Any = {
    "RequestId": "A-1",
    "Text": 'user01\n\u00e9\u4e2d"q"',
    "Numbers": [0, -1, 2.5, 10**20, True, False, None],
    "Nested": {"Empty": {}, "List": [[], [{"K": "v"}]]},
}
_SAMPLE_WRITTEN = (
    '{"RequestId": "A-1", "Text": "user01\\n\\u00e9\\u4e2d\\"q\\"", '
    '"Numbers": [0, -1, 2.5, 100000000000000000000, true, false, null], '
    '"Nested": {"Empty": {}, "List": [[], [{"K": "v"}]]}}'
)


#: A body as `json.dumps` writes it.
encode = _encoder()


def success(request_id: str, data: Mapping[str, Any]) -> HttpResponse:
    body = {"RequestId": request_id, **data}
    return HttpResponse(200, encode(body).encode("utf-8"), JSON)


def error(err: ApiError, *, request_id: str, host: str, product: str | None) -> HttpResponse:
    recommend = "https://api.aliyun.com/troubleshoot?" + urlencode(
        {
            "q": err.code,
            "product": _PRODUCT_NAMES.get(product or "", product or ""),
            "requestId": request_id,
        }
    )
    body: dict[str, Any] = {
        "RequestId": request_id,
        "HostId": host,
        "Code": err.code,
        "Message": err.message,
        "Recommend": recommend,
        **err.extra,
    }
    return HttpResponse(err.status, encode(body).encode("utf-8"), JSON)
