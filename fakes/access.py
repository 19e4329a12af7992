"""Who is calling, and may they: authentication of signed requests and RAM authorization.

Authentication checks the AccessKey and recomputes the signature (V3 and V2). Authorization
evaluates the caller's attached policies with the policy engine and turns a refusal into the
service's own denial (`Forbidden.RAM` for ECS, `NoPermission` for RAM) with `AccessDeniedDetail`.
"""

from __future__ import annotations

import base64
import hmac
import json
from collections import deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from fakes.clock import iso
from fakes.errors import ApiError, missing_parameter
from fakes.policy import AuthRequest, Decision, PolicySource, evaluate
from fakes.services.base import Authorizer, ConditionContext, Principal
from fakes.services.ram import RamService
from fakes.services.sts import StsService
from fakes.wire import signature
from fakes.wire.rpc import RpcCall

#: Each product's answer to a RAM refusal (reference section 4.2; A4 for ECS).
DENIALS: Mapping[str, tuple[str, str, int]] = {
    "ecs": (
        "Forbidden.RAM",
        "User not authorized to operate on the specified resource, or this API doesn't support "
        "RAM.",
        403,
    ),
    "ram": ("NoPermission", "You are not authorized to do this action.", 403),
    "sts": (
        "NoPermission",
        "You are not authorized to do this action. You should be authorized by RAM.",
        403,
    ),
    # A16: OOS and KMS refusals are assumed to look like ECS's; their texts are NOT FOUND.
    "oos": ("Forbidden.RAM", "User not authorized to operate on the specified resource.", 403),
    "kms": ("Forbidden.RAM", "User not authorized to operate on the specified resource.", 403),
}

_EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

#: A13: how far a V2 `Timestamp` may stray from the real clock, either way.
V2_TIMESTAMP_WINDOW = timedelta(minutes=15)


def global_context(now: datetime, *, secure: bool, source_ip: str) -> dict[str, tuple[str]]:
    """The global condition keys every request carries (reference section 3.3)."""
    return {
        "acs:CurrentTime": (iso(now),),
        "acs:SecureTransport": ("true" if secure else "false",),
        "acs:SourceIp": (source_ip,),
        "acs:MFAPresent": ("false",),
    }


class Authenticator:
    """Maps a signed request to its `Principal`, or raises the gateway's error."""

    def __init__(
        self,
        account_id: str,
        root_key: tuple[str, str],
        ram: RamService,
        sts: StsService,
        now: Callable[[], datetime],
    ) -> None:
        self._account_id = account_id
        self._root_key = root_key
        self._ram = ram
        self._sts = sts
        self._now = now
        self._nonces: set[str] = set()

    def _session(self, access_key_id: str, token: str | None) -> tuple[Principal, str]:
        """An STS key: valid only with its own SecurityToken, and only until it expires."""
        session = self._sts.sessions.get(access_key_id)
        if session is None:
            raise ApiError("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
        if not token:
            raise ApiError(
                "MissingSecurityToken", "SecurityToken is mandatory for this action.", 400
            )
        if not hmac.compare_digest(token, session.token):
            raise ApiError(
                "InvalidSecurityToken.MismatchWithAccessKey",
                "Specified SecurityToken mismatch with the AccessKey.",
                400,
            )
        if self._now() >= session.expires:
            raise ApiError(
                "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.", 400
            )
        principal = Principal(
            "AssumedRoleUser",
            session.role,
            f"{session.role_id}:{session.name}",
            access_key_id,
            session=session.name,
            session_policy=session.policy,
        )
        return principal, session.secret

    def _secret_of(self, access_key_id: str, token: str | None = None) -> tuple[Principal, str]:
        if access_key_id.startswith("STS."):
            return self._session(access_key_id, token)
        if access_key_id == self._root_key[0]:
            root = Principal("Account", "root", self._account_id, access_key_id)
            return root, self._root_key[1]
        key = self._ram.key(access_key_id)
        if key is None:
            raise ApiError("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
        user = self._ram.users[key.user_name]
        principal = Principal("SubUser", user.name, user.user_id, access_key_id)
        if key.status != "Active":
            raise ApiError("Forbidden.AccessKeyDisabled", "The Access Key is disabled.", 403)
        return principal, key.secret

    def authenticate(self, call: RpcCall) -> Principal:
        if call.signature_version == "v3":
            return self._v3(call)
        return self._v2(call)

    def _v3(self, call: RpcCall) -> Principal:
        header = call.headers.get("authorization")
        if not header:
            raise ApiError(
                "IncompleteSignature",
                "The request signature does not conform to Aliyun standards.",
                400,
            )
        try:
            auth = signature.parse_v3_authorization(header)
        except signature.MalformedAuthorization as e:
            raise ApiError(
                "IncompleteSignature",
                f"The request signature does not conform to Aliyun standards: {e}.",
                400,
            ) from None
        principal, secret = self._secret_of(
            auth.access_key_id, call.headers.get("x-acs-security-token")
        )
        payload = call.headers.get("x-acs-content-sha256", _EMPTY_SHA256)
        to_sign = signature.v3_string_to_sign(
            call.method, call.path, call.query, call.headers, auth.signed_headers, payload
        )
        expected = signature.v3_signature(secret, to_sign)
        if not signature.signatures_match(expected, auth.signature):
            raise ApiError(
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation. server string to sign "
                f"is:{to_sign}",
                400,
            )
        self._use_nonce(call.headers.get("x-acs-signature-nonce", ""))
        return principal

    def _v2(self, call: RpcCall) -> Principal:
        given = dict(call.query) | dict(call.form)
        if not given.get("Signature") or not given.get("AccessKeyId"):
            raise ApiError(
                "IncompleteSignature",
                "The request signature does not conform to Aliyun standards.",
                400,
            )
        principal, secret = self._secret_of(given["AccessKeyId"], given.get("SecurityToken"))
        _check_timestamp(given.get("Timestamp", ""))
        to_sign = signature.v2_string_to_sign(call.method, list(given.items()))
        expected = signature.v2_signature(secret, to_sign)
        if not signature.signatures_match(expected, given["Signature"]):
            raise ApiError(
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation. server string to sign "
                f"is:{to_sign}",
                400,
            )
        self._use_nonce(given.get("SignatureNonce", ""))
        return principal

    def _use_nonce(self, nonce: str) -> None:
        if not nonce:
            return
        if nonce in self._nonces:
            raise ApiError("SignatureNonceUsed", "The request signature nonce has been used.", 400)
        self._nonces.add(nonce)


def _check_timestamp(value: str) -> None:
    """A13: a V2 request carries its signing time; one far from now is refused, not replayed.

    Measured against the real clock, not the fake's virtual one: the client signs with its own
    clock, and the virtual clock runs ahead of real time by a second per request."""
    if not value:
        raise missing_parameter("Timestamp")
    try:
        sent = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise ApiError(
            "InvalidTimeStamp.Format",
            f"Specified time stamp or date value is not well formatted: `{value}`.",
            400,
        ) from None
    if abs(datetime.now(UTC) - sent) > V2_TIMESTAMP_WINDOW:
        raise ApiError(
            "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.", 400
        )


class PolicyAuthorizer(Authorizer):
    """Evaluates a RAM user's attached policies; the account owner is never subject to RAM."""

    def __init__(
        self, account_id: str, ram: RamService, product: str, refusals: deque[Decision]
    ) -> None:
        self._account_id = account_id
        self._ram = ram
        self._product = product
        # Only refusals are kept: they are what needs explaining, and keeping every Allow would
        # make the hot path pay for long-lived garbage.
        self._refusals = refusals

    def check(
        self, principal: Principal, action: str, resource: str, context: ConditionContext
    ) -> None:
        if principal.is_account_owner:
            return
        request = AuthRequest(action, resource, context)
        decision = evaluate(self._ram.policies_for(principal), request)
        policy_type = "AccountLevelIdentityBasedPolicy"
        if decision.is_allowed and principal.session_policy is not None:
            # A session policy narrows the role: both must allow (reference section 3.2).
            session = PolicySource(f"session {principal.session}", "Session", "v1")
            decision = evaluate([(session, principal.session_policy)], request)
            policy_type = "SessionPolicy"
        if decision.is_allowed:
            return
        self._refusals.append(decision)
        code, message, status = DENIALS.get(self._product, DENIALS["ram"])
        raise ApiError(
            code,
            message,
            status,
            extra={"AccessDeniedDetail": self._detail(principal, decision, policy_type)},
        )

    def _detail(self, principal: Principal, decision: Decision, policy_type: str) -> dict[str, str]:
        diagnostic = {
            "AuthAction": decision.request.action,
            "AuthResource": decision.request.resource,
            "NoPermissionType": decision.kind,
            "Explanation": decision.explain(),
        }
        encoded = base64.b64encode(json.dumps(diagnostic).encode("utf-8")).decode("ascii")
        return {
            "AuthAction": decision.request.action,
            "AuthPrincipalType": principal.kind,
            "AuthPrincipalDisplayName": (
                f"{principal.name}:{principal.session}" if principal.session else principal.name
            ),
            "AuthPrincipalOwnerId": self._account_id,
            "NoPermissionType": decision.kind,
            "PolicyType": policy_type,
            "EncodedDiagnosticMessage": encoded,
        }
