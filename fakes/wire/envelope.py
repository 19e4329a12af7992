"""The one serializer: every success and every error body the fake writes goes through here."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fakes.errors import ApiError
from fakes.wire.http import HttpResponse

JSON = {"Content-Type": "application/json;charset=utf-8"}

#: Product codes as the troubleshooting link spells them.
_PRODUCT_NAMES = {"ecs": "Ecs", "ram": "Ram", "sts": "Sts", "oos": "Oos", "kms": "Kms"}


def success(request_id: str, data: Mapping[str, Any]) -> HttpResponse:
    body = {"RequestId": request_id, **data}
    return HttpResponse(200, json.dumps(body).encode("utf-8"), JSON)


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
    return HttpResponse(err.status, json.dumps(body).encode("utf-8"), JSON)
