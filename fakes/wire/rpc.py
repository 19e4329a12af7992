"""RPC-style requests as the SDKs send them: parameters in the query (and form body), lists as
`Name.N`, booleans as `True`/`False`, action and version in `x-acs-*` headers (V3) or in the
`Action`/`Version` parameters (V2)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from fakes.errors import ApiError, invalid_parameter, missing_parameter, unknown_version
from fakes.wire.http import HttpRequest

#: API version -> product code. Versions are unique across the products the fake serves.
PRODUCTS: Mapping[str, str] = {
    "2014-05-26": "ecs",
    "2015-05-01": "ram",
    "2015-04-01": "sts",
    "2019-06-01": "oos",
    "2016-01-20": "kms",
    "2020-03-31": "resourcemanager",
    "2022-04-19": "resourcedirectorymaster",
}

#: Parameters of the V2 signature protocol itself, never handed to a service.
V2_PROTOCOL = frozenset(
    {
        "Action",
        "Version",
        "Format",
        "Timestamp",
        "SignatureNonce",
        "SignatureMethod",
        "SignatureVersion",
        "AccessKeyId",
        "SecurityToken",
        "Signature",
    }
)

_MAX_LIST = 1000
#: A list index as the SDKs write it: ASCII decimal, no sign, no leading zero.
_INDEX = re.compile(r"[1-9][0-9]{0,3}")


class Params(Mapping[str, str]):
    """The business parameters of one call, with the SDK's encodings undone on demand."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)
        self._roots: frozenset[str] | None = None

    @classmethod
    def adopt(cls, values: dict[str, str]) -> Params:
        """Params over `values` itself, not a copy: for `parse`, whose dict no one else holds."""
        params = cls.__new__(cls)
        params._values = values
        params._roots = None
        return params

    def sends(self, name: str) -> bool:
        """Whether `name` or anything under it (`name.1`, `name.1.Key`) was sent. The names
        before each first `.` are gathered once, so asking about many names costs one pass."""
        if "." in name:
            prefix = name + "."
            return any(key == name or key.startswith(prefix) for key in self._values)
        if self._roots is None:
            self._roots = frozenset(key.partition(".")[0] for key in self._values)
        return name in self._roots

    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def text(self, name: str, default: str | None = None) -> str | None:
        """The value sent, or `default` when none or an empty one was (services ask ~20 a call)."""
        return self._values.get(name) or default

    def require(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise missing_parameter(name)
        return value

    def items_of(self, name: str) -> list[str]:
        """`Name.1`, `Name.2`, ... in index order (the SDK flattens lists 1-based)."""
        prefix = f"{name}."
        indexed: list[tuple[int, str]] = []
        for key, value in self._values.items():
            index = key[len(prefix) :]
            if key.startswith(prefix) and _INDEX.fullmatch(index):
                indexed.append((int(index), value))
        return [value for _, value in sorted(indexed)]

    def flag(self, name: str, default: bool = False) -> bool:
        """Booleans arrive as Python's `True`/`False`; accept any case, refuse anything else."""
        value = self.text(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise invalid_parameter(name, value, "Use true or false.")
        return lowered == "true"

    def number(self, name: str, default: int, *, low: int, high: int) -> int:
        value = self.text(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise invalid_parameter(name, value, "It must be an integer.") from None
        if not low <= number <= high:
            raise invalid_parameter(name, value, f"It must be between {low} and {high}.")
        return number


class RpcCall(NamedTuple):
    """A parsed call: which product, version and action, with which parameters, from where.
    (A named tuple, immutable like a frozen dataclass, whose thirteen fields cost a request
    a fifth as much to set.)"""

    product: str
    action: str
    params: Params
    host: str
    secure: bool
    client_ip: str
    signature_version: str  # "v3" or "v2"
    # What the authenticator needs to recompute the signature and check the body's hash:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    form: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]
    body: bytes


def _unquote(text: str) -> str:
    """`+` is a space, `%XX` a UTF-8 byte (undecodable ones replaced), as `parse_qsl` reads."""
    if "+" in text:
        text = text.replace("+", " ")
    return unquote(text) if "%" in text else text


def _pairs(raw: str, what: str) -> list[tuple[str, str]]:
    """`parse_qsl(raw, keep_blank_values=True, strict_parsing=True)`, without its per-call
    overhead: every field must hold `=` (an empty field too), else a 400."""
    if not raw:
        return []
    fields = [field.partition("=") for field in raw.split("&")]
    pairs = [(name, value) for name, equals, value in fields if equals]
    if len(pairs) != len(fields):  # a field without `=`
        raise ApiError(
            "InvalidParameter",
            f"The {what} of the request is not a well-formed query string.",
            400,
        )
    if "%" not in raw and "+" not in raw:  # nothing encoded: the SDKs' ids, names, numbers
        return pairs
    return [(_unquote(name), _unquote(value)) for name, value in pairs]


def _refuse(name: str, why: str) -> ApiError:
    """A parameter the fake will not read; the message names it and never echoes its value,
    which may be a secret (an OOS `Value`, a logon password)."""
    message = f'The specified parameter "{name}" is not valid: {why}'
    return ApiError("InvalidParameter", message, 400)


def check_list_indexes(names: Iterable[str]) -> None:
    """Every `Name.N` (and `Name.N.Field`) index is ASCII decimal without a leading zero, and
    each list's indexes run from 1 without a gap, as the SDKs flatten lists. Anything else is a
    400 naming the parameter: `int()` reads Arabic-Indic and fullwidth digits, and a gap would
    hide what was meant."""
    lists: dict[str, set[int]] = {}
    for name in names:
        if "." not in name:  # most names: nothing to check
            continue
        segments = name.split(".")
        for depth in range(1, len(segments)):
            segment = segments[depth]
            # A segment meant as a number: digits of any script (superscript, Arabic-Indic,
            # fullwidth, which `str.isnumeric` all knows); an empty one counts too.
            if segment and not segment.isnumeric():
                continue
            if not _INDEX.fullmatch(segment) or (index := int(segment)) > _MAX_LIST:
                raise _refuse(
                    name,
                    f"list indexes are ASCII decimals from 1 to {_MAX_LIST} without a leading "
                    "zero.",
                )
            prefix = segments[0] if depth == 1 else ".".join(segments[:depth])
            indexes = lists.get(prefix)
            if indexes is None:
                lists[prefix] = {index}
            else:
                indexes.add(index)
    gapped = [prefix for prefix, indexes in lists.items() if len(indexes) != max(indexes)]
    if gapped:
        prefix = min(gapped)  # the first by name, as a sorted scan would find it
        indexes = lists[prefix]
        missing = min(set(range(1, max(indexes) + 1)) - indexes)
        raise _refuse(
            f"{prefix}.{max(indexes)}",
            f"list indexes run from 1 without a gap, and `{prefix}.{missing}` is missing.",
        )


def _merge(query: list[tuple[str, str]], form: list[tuple[str, str]]) -> dict[str, str]:
    """One value per parameter: a name sent twice with two values (in the query, in the body,
    or in both) is refused, never merged, since a V3 signature covers only the query and the
    body's hash. The same value twice is one parameter: the legacy SDK adds `RegionId` to the
    query even when the caller put it in the body (aliyunsdkcore `RpcRequest.get_url`)."""
    if not form:
        merged = dict(query)
        if len(merged) == len(query):  # each name once: nothing to compare
            return merged
    merged = {}
    for where, pairs in (("query", query), ("body", form)):
        for name, value in pairs:
            if merged.get(name, value) != value:
                raise _refuse(
                    name, f"it is sent twice with different values (again in the {where})."
                )
            merged[name] = value
    return merged


#: An absolute URL as the adapters hand it on: a lower-case scheme, a host name (no brackets,
#: no user), a path and a query, nothing to strip or split further (no blank, no fragment).
#: `_split` reads one with a match; anything else goes through `urlsplit`.
_PLAIN_URL = re.compile(r"(https?)://([A-Za-z0-9.:-]*)(/[^?#\s]*)?(?:\?([^#\s]*))?")


def _split(url: str) -> tuple[str, str, str, str]:
    """`urlsplit(url)`'s scheme, netloc, path and query. `urlsplit` remembers only the last
    128 URLs, and most calls carry a URL never seen before (a new InvokeId each time)."""
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:
        scheme, netloc, path, query = plain.groups()
        return scheme, netloc, path or "", query or ""
    parts = urlsplit(url)
    return parts.scheme, parts.netloc, parts.path, parts.query


def parse(request: HttpRequest) -> RpcCall:
    """Turn one HTTP request into an `RpcCall`, or raise the `ApiError` Alibaba would send."""
    scheme, netloc, path, raw_query = _split(request.url)
    query = _pairs(raw_query, "query string")
    form: list[tuple[str, str]] = []
    content_type = request.headers.get("content-type", "")
    if request.body and content_type.startswith("application/x-www-form-urlencoded"):
        try:
            body_text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError("InvalidParameter", "The request body is not UTF-8.", 400) from None
        form = _pairs(body_text, "body")
    merged = _merge(query, form)
    check_list_indexes(merged)

    headers = request.headers
    # V3 signs in the Authorization header; V2 in a `Signature` parameter. The SDK's V2 mode
    # still sends the x-acs-action/x-acs-version headers, so they do not tell the two apart.
    signature_version = "v2" if "Signature" in merged and "authorization" not in headers else "v3"
    action = headers.get("x-acs-action") or merged.get("Action", "")
    version = headers.get("x-acs-version") or merged.get("Version", "")
    if not version:
        raise missing_parameter("Version")
    if not action:
        raise missing_parameter("Action")
    product = PRODUCTS.get(version)
    if product is None:
        raise unknown_version(version)
    if signature_version == "v2":
        params = Params.adopt({k: v for k, v in merged.items() if k not in V2_PROTOCOL})
    else:
        params = Params.adopt(merged)
    return RpcCall(
        product=product,
        action=action,
        params=params,
        host=headers.get("host", netloc),
        secure=scheme == "https",
        client_ip=request.client_ip,
        signature_version=signature_version,
        method=request.method.upper(),
        path=path or "/",
        query=tuple(query),
        form=tuple(form),
        headers=headers,
        body=request.body,
    )
