"""What a cassette may keep. Requests keep the method, the URL and a few headers; signatures,
nonces, dates, key ids and tokens are dropped, and secret values (an OOS `Value`, a password) are
replaced. Responses lose AccessKey secrets, security tokens and secret values. The account id
is replaced by a placeholder everywhere, also inside Base64 text, the same way every time.

The same request scrubbing runs on a replayed request before it is matched, so a scrubbed
recording matches the live request that made it.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from vcr.request import Request  # type: ignore[import-untyped]

from harness.secret_names import SECRET_FIELDS, SECRET_PARAMETERS

#: Placeholders written instead of what was there.
SCRUBBED = "<scrubbed>"
ACCOUNT = "<account-id>"
#: AccessKey ids (`LTAI...`, and STS's `STS.`...): not secrets, but they name a key; each
#: distinct id becomes `<access-key-id-N>`, the same one every time it appears in a scenario.
_KEY_ID = re.compile(r"\b(?:LTAI[0-9A-Za-z]{12,30}|STS\.[0-9A-Za-z]{12,60})\b")

#: Request headers a cassette keeps; every other one (Authorization, x-acs-signature-nonce,
#: x-acs-date, x-acs-security-token, x-acs-content-sha256, user-agent, ...) is dropped.
KEPT_REQUEST_HEADERS = frozenset({"host", "x-acs-action", "x-acs-version", "content-type"})
#: Response headers a cassette keeps (the retry hint matters to a replayed throttling).
KEPT_RESPONSE_HEADERS = frozenset({"content-type", "x-acs-retry-after", "x-acs-request-id"})
#: Query or form parameters dropped from a request: they sign or identify, and change per call.
DROPPED_PARAMETERS = frozenset(
    {"Signature", "SignatureNonce", "Timestamp", "AccessKeyId", "SecurityToken"}
)
#: How many scrubbed requests a scrubber keeps (one scenario makes a few hundred at most).
_KEPT_REQUESTS = 1024
# A parameter whose value is secret (`SECRET_PARAMETERS`) is kept as a placeholder, so the
# request still matches; a secret response field (`SECRET_FIELDS`) is replaced.

#: The secret fields of credentials written inside text, as JSON writes them
#: (`"SecurityToken" : "CAIS..."`): a command's output of `curl` of the instance metadata
#: service's role credentials travels so.
_SECRET_IN_TEXT = re.compile(r'("(?:AccessKeySecret|SecurityToken)"\s*:\s*")(?:[^"\\]|\\.)*(")')


class Scrubber:
    """Scrubs one scenario's traffic; learns the account id from the first answer naming it."""

    def __init__(self, account_id: str | None = None) -> None:
        self.account_id = account_id
        self._key_ids: dict[str, str] = {}
        #: (account id, method, URL, body, headers) -> the URL, headers and body scrubbed.
        self._scrubbed: dict[tuple[Any, ...], tuple[str, dict[str, str], bytes | None]] = {}

    def _key_id(self, match: re.Match[str]) -> str:
        found = match.group(0)
        if found not in self._key_ids:
            self._key_ids[found] = f"<access-key-id-{len(self._key_ids) + 1}>"
        return self._key_ids[found]

    # ---- text ----------------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """`value` with AccessKey ids, the account id and secret JSON fields written in it (a
        command's output that printed credentials) replaced, also inside Base64 text."""
        value = _SECRET_IN_TEXT.sub(rf"\g<1>{SCRUBBED}\g<2>", _KEY_ID.sub(self._key_id, value))
        if self.account_id and self.account_id in value:
            return value.replace(self.account_id, ACCOUNT)
        decoded = _base64_text(value)
        if decoded is not None and self._scrubbable(decoded):
            return base64.b64encode(self.text(decoded).encode("utf-8")).decode("ascii")
        return value

    def _scrubbable(self, text: str) -> bool:
        """Whether decoded text holds anything `text()` replaces."""
        return bool(
            (self.account_id and self.account_id in text)
            or _KEY_ID.search(text)
            or _SECRET_IN_TEXT.search(text)
        )

    def data(self, value: Any) -> Any:
        """A JSON value with secret fields replaced and the account id scrubbed."""
        if isinstance(value, dict):
            return {
                k: SCRUBBED if k in SECRET_FIELDS and v not in (None, "") else self.data(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def parameters(self, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [
            (k, SCRUBBED if k in SECRET_PARAMETERS else self.text(v))
            for k, v in pairs
            if k not in DROPPED_PARAMETERS
        ]

    # ---- the vcrpy hooks -----------------------------------------------------------------------

    def request(self, request: Any) -> Any:
        """vcrpy `before_record_request`: `request` is already a copy. vcrpy scrubs each request
        it plays three times, each time on a fresh copy (vcr/cassette.py: can_play_response_for,
        then the lookups of __contains__ and play_response), so what a request became is kept
        per its content and the account id known: the same content scrubs the same way once its
        AccessKey ids are numbered, which the first scrubbing did
        (tests/recording/test_scrubbing_kept.py)."""
        body = request.body
        if body is not None and not isinstance(body, bytes):  # a file, an iterator, a bytearray
            return self._scrub_request(_with_bytes_body(request))
        key = (self.account_id, request.method, request.uri, body, tuple(request.headers.items()))
        done = self._scrubbed.get(key)
        if done is None:
            self._scrub_request(request)
            if len(self._scrubbed) >= _KEPT_REQUESTS:
                self._scrubbed.clear()
            self._scrubbed[key] = (request.uri, dict(request.headers), request.body)
            return request
        request.uri, headers, request.body = done
        request.headers = dict(headers)
        return request

    def _scrub_request(self, request: Any) -> Any:
        parts = urlsplit(request.uri)
        query = self.parameters(parse_qsl(parts.query, keep_blank_values=True))
        request.uri = urlunsplit(parts._replace(query=urlencode(query)))
        request.headers = {
            k: v for k, v in request.headers.items() if k.lower() in KEPT_REQUEST_HEADERS
        }
        body = request.body
        if isinstance(body, bytes) and body:
            text = body.decode("utf-8", errors="replace")
            if "=" in text and "{" not in text:  # a form: scrub it as parameters
                form = self.parameters(parse_qsl(text, keep_blank_values=True))
                request.body = urlencode(form)
            else:
                request.body = self.text(text)
        return request

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """vcrpy `before_record_response`: `response` is already a copy."""
        response["headers"] = {
            k: v for k, v in response["headers"].items() if k.lower() in KEPT_RESPONSE_HEADERS
        }
        raw = response["body"]["string"]
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
        try:
            data = json.loads(text)
        except ValueError:
            response["body"]["string"] = self.text(text).encode("utf-8")
            return response
        if isinstance(data, dict) and isinstance(data.get("AccountId"), str | int):
            self.account_id = self.account_id or str(data["AccountId"])
        response["body"]["string"] = json.dumps(self.data(data)).encode("utf-8")
        return response


def _with_bytes_body(request: Any) -> Any:
    """A copy of the vcrpy request `request` whose body is one bytes object, as a body sent as
    bytes is kept: vcrpy keeps a file's body read whole but hands it back (and writes it to the
    cassette) as a BytesIO, an iterator's as an iterator over its chunks, a bytearray as it
    is, and the scrubber reads bytes only (a cassette could not hold the first two at all)."""
    return Request(request.method, request.uri, _bytes_of(request.body), dict(request.headers))


def _bytes_of(body: Any) -> bytes:
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)


def _base64_text(value: str) -> str | None:
    """The UTF-8 text `value` encodes in Base64, or None when it is not such."""
    if len(value) < 16 or len(value) % 4:
        return None
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


# ---- logs ------------------------------------------------------------------------------------

#: A URL's query string, where the SDKs put every parameter (an OOS `Value` among them).
_QUERY = re.compile(r"\?[^\s'\">)]*")
#: Loggers that would write request URLs or raw responses (urllib3 at DEBUG, vcrpy at DEBUG and
#: INFO); the SDK's own HTTP debug log writes the signing headers, so it is dropped whole.
NOISY_LOGGERS = (
    "urllib3.connectionpool",
    "vcr.cassette",
    "vcr.request",
    "vcr.stubs",
    "vcr.matchers",
    "darabonba-core",
)


class SecretsOutOfLogs(logging.Filter):
    """Query strings out of log lines; raw recorded responses and signing headers dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "darabonba-core":
            return False
        if record.name == "vcr.cassette" and str(record.msg).startswith("Appending request"):
            return False
        record.msg = _QUERY.sub("?...", str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(_clean_arg(a) for a in record.args)
        return True


def _clean_arg(value: object) -> object:
    if isinstance(value, int | float):
        return value
    text = str(value)
    return _QUERY.sub("?...", text) if "?" in text else value


def keep_secrets_out_of_logs() -> None:
    """Install `SecretsOutOfLogs` on the loggers that need it (once)."""
    for name in NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, SecretsOutOfLogs) for f in logger.filters):
            logger.addFilter(SecretsOutOfLogs())
