"""Who is calling, and may they: authentication of signed requests and RAM authorization.

Authentication checks the AccessKey and recomputes the signature (V3 and V2). Authorization
decides with the policy engine over every policy that bears on the caller (control policies,
its own and its groups' identity policies at each scope, a session policy) and turns a refusal
into the service's own denial (`Forbidden.RAM` for ECS, `NoPermission` for RAM) with
`AccessDeniedDetail`.
"""

from __future__ import annotations

import hmac
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from fakes.clock import iso
from fakes.errors import ApiError, missing_parameter
from fakes.policy import (
    AuthRequest,
    CompiledPolicy,
    Decision,
    PolicySet,
    PolicySource,
    Verdict,
    decide,
)
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
    # A67: Resource Manager and Resource Directory refusals are assumed to look like RAM's.
    "resourcemanager": ("NoPermission", "You are not authorized to do this action.", 403),
    "resourcedirectorymaster": ("NoPermission", "You are not authorized to do this action.", 403),
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


#: Where a refused request's resource sits: its resource group id, or None (A61).
ResourceGroupOf = Callable[[str], str | None]
#: The control policies in force for the account's RAM identities, or None when the feature is
#: off (A65).
ControlPolicies = Callable[[], Sequence[tuple[PolicySource, CompiledPolicy]] | None]


def _no_group(resource: str) -> str | None:
    return None


def _no_control() -> None:
    return None


class PolicyAuthorizer(Authorizer):
    """Decides a RAM identity's request as RAM does (`fakes.policy.decide`: control policies,
    account-level then resource-group-level identity policies, the session policy); the
    account owner is never subject to RAM. A refusal carries `AccessDeniedDetail` whose
    `EncodedDiagnosticMessage` decodes (ram:DecodeDiagnosticMessage) to the decision made."""

    def __init__(
        self,
        account_id: str,
        ram: RamService,
        product: str,
        refusals: deque[Decision],
        *,
        resource_group_of: ResourceGroupOf = _no_group,
        control: ControlPolicies = _no_control,
    ) -> None:
        self._account_id = account_id
        self._ram = ram
        self._product = product
        # Only refusals are kept: they are what needs explaining, and keeping every Allow would
        # make the hot path pay for long-lived garbage.
        self._refusals = refusals
        self._resource_group_of = resource_group_of
        self._control = control

    def check(
        self, principal: Principal, action: str, resource: str, context: ConditionContext
    ) -> None:
        if principal.is_account_owner:
            return
        session = None
        if principal.session_policy is not None:
            source = PolicySource(f"session {principal.session}", "Session", "v1", "", "Session")
            session = (source, principal.session_policy)
        policies = PolicySet(self._ram.identity_policies(principal), self._control(), session)
        request = AuthRequest(action, resource, context)
        verdict = decide(policies, request, self._resource_group_of(resource))
        if verdict.is_allowed:
            return
        self._refusals.append(verdict.decision)
        code, message, status = DENIALS.get(self._product, DENIALS["ram"])
        raise ApiError(
            code,
            message,
            status,
            extra={"AccessDeniedDetail": self._detail(principal, verdict)},
        )

    def _detail(self, principal: Principal, verdict: Verdict) -> dict[str, str]:
        decision = verdict.decision
        display = f"{principal.name}:{principal.session}" if principal.session else principal.name
        decoded = diagnostic(self._account_id, principal.kind, display, verdict)
        return {
            "AuthAction": decision.request.action,
            "AuthPrincipalType": principal.kind,
            "AuthPrincipalDisplayName": display,
            "AuthPrincipalOwnerId": self._account_id,
            "NoPermissionType": decision.kind,
            "PolicyType": verdict.policy_type,
            "EncodedDiagnosticMessage": self._ram.diagnostics.encode(decoded, decision.explain()),
        }


def diagnostic(account_id: str, kind: str, display: str, verdict: Verdict) -> dict[str, Any]:
    """The `DecodedDiagnosticMessage` of a refusal (ram:DecodeDiagnosticMessage's fields, as
    the RAM SDK 1.3.0 models them): what was asked, by whom, in which context, and which
    policies decided it, each with its version and the scope it is attached at (A66)."""
    decision = verdict.decision
    request = decision.request
    matched: dict[PolicySource, str] = {}
    for ref in decision.deciding:
        matched.setdefault(ref.policy, ref.effect)
    return {
        "ExplicitDeny": decision.kind == "ExplicitDeny",
        "NoPermissionPolicyType": verdict.policy_type,
        "AuthAction": request.action,
        "AuthResource": request.resource,
        "AuthPrincipal": {
            "AuthPrincipalType": kind,
            "AuthPrincipalOwnerId": account_id,
            "AuthPrincipalDisplayName": display,
        },
        "AuthConditions": [
            {"ConditionKey": key, "ConditionValues": list(values)}
            for key, values in sorted(request.context.items())
        ],
        "MatchedPolicies": [
            {
                "Effect": effect,
                "PolicyIdentifier": source.name,
                "PolicyType": source.type,
                **({"PolicyVersion": source.version} if source.type == "Custom" else {}),
                "AttachedScope": source.scope or account_id,
                "AttachedEntityType": source.holder,
            }
            for source, effect in matched.items()
        ],
    }
