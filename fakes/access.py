"""Who is calling, and may they: authentication of signed requests and RAM authorization.

Authentication checks the AccessKey and recomputes the signature (V3 and V2). Authorization
decides with the policy engine over every policy that bears on the caller (control policies,
its own and its groups' identity policies at each scope, a session policy) and turns a refusal
into the service's own denial (`DENIALS`: `Forbidden.RAM` for ECS, `NoPermission` for RAM,
`Forbidden.NoPermission` for KMS) with `AccessDeniedDetail`.
"""

from __future__ import annotations

import hmac
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from fakes.clock import iso
from fakes.errors import ApiError, missing_parameter
from fakes.policy import (
    CompiledPolicy,
    Decision,
    DecisionMemo,
    PolicySet,
    PolicySource,
    Verdict,
)
from fakes.services.base import Authorizer, ConditionContext, Principal
from fakes.services.ram import RamService
from fakes.services.sts import StsService
from fakes.wire import signature, signing_rules
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
    # A16: OOS refusals are assumed to look like ECS's; their text is NOT FOUND.
    "oos": ("Forbidden.RAM", "User not authorized to operate on the specified resource.", 403),
    # KMS's own words (AlibabaCloudDocs/kms, API Reference/Calling method/Responses.md), which
    # refute A16 for KMS.
    "kms": ("Forbidden.NoPermission", "This operation is forbidden by permission system.", 403),
}


def global_context(now: datetime, *, secure: bool, source_ip: str) -> dict[str, tuple[str]]:
    """The global condition keys every request carries (reference section 3.3)."""
    return {
        "acs:CurrentTime": (iso(now),),
        "acs:SecureTransport": ("true" if secure else "false",),
        "acs:SourceIp": (source_ip,),
        "acs:MFAPresent": ("false",),
    }


def _mismatch(to_sign: str) -> ApiError:
    return ApiError(
        "SignatureDoesNotMatch",
        "Specified signature is not matched with our calculation. server string to sign "
        f"is:{to_sign}",
        400,
    )


class _Credential(NamedTuple):
    """Whose key it is, its secret, and the refusal (disabled key, bad STS token) held back
    until the signature has been checked: only a caller who knows the secret learns it.
    (A named tuple: made twice a request, and a frozen dataclass costs three times as much.)"""

    principal: Principal
    secret: str
    refusal: ApiError | None = None


class Authenticator:
    """Maps a signed request to its `Principal`, or raises the gateway's error, in three steps:
    `claim` and `admit` under the account's lock, `Claim.verify` (the HMAC) between them."""

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
        self._nonces = signing_rules.SpentNonces()
        self._root = Principal("Account", "root", account_id, root_key[0])
        #: Each RAM user's key's `Principal`, by all that makes it (so never stale): a request
        #: reads its key twice (`claim`, `admit`), and need not build the same value each time.
        self._principals: dict[tuple[str, str, str], Principal] = {}

    def _session(self, access_key_id: str, token: str | None) -> _Credential:
        """An STS key: valid only with its own SecurityToken, and only until it expires."""
        session = self._sts.sessions.get(access_key_id)
        if session is None:
            raise ApiError("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
        principal = Principal(
            "AssumedRoleUser",
            session.role,
            f"{session.role_id}:{session.name}",
            access_key_id,
            session=session.name,
            session_policy=session.policy,
        )
        refusal = None
        if not token:
            refusal = ApiError(
                "MissingSecurityToken", "SecurityToken is mandatory for this action.", 400
            )
        elif not hmac.compare_digest(token, session.token):
            refusal = ApiError(
                "InvalidSecurityToken.MismatchWithAccessKey",
                "Specified SecurityToken mismatch with the AccessKey.",
                400,
            )
        elif self._now() >= session.expires:
            refusal = ApiError(
                "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.", 400
            )
        return _Credential(principal, session.secret, refusal)

    def _credential(self, access_key_id: str, token: str | None = None) -> _Credential:
        if access_key_id.startswith("STS."):
            return self._session(access_key_id, token)
        if access_key_id == self._root_key[0]:
            return _Credential(self._root, self._root_key[1])
        key = self._ram.key(access_key_id)
        if key is None:
            raise ApiError("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
        user = self._ram.users[key.user_name]
        made_of = (user.name, user.user_id, access_key_id)
        principal = self._principals.get(made_of)
        if principal is None:
            if len(self._principals) >= IDENTITY_LIMIT:
                self._principals.clear()
            principal = Principal("SubUser", *made_of)
            self._principals[made_of] = principal
        refusal = None
        if key.status != "Active":
            refusal = ApiError("Forbidden.AccessKeyDisabled", "The Access Key is disabled.", 403)
        return _Credential(principal, key.secret, refusal)

    def claim(self, call: RpcCall) -> Claim:
        """What the request says of itself, checked as far as it can be without the secret
        being used: the signing rules, the signing time and the key's existence. Reads the
        account (the key), so it runs under the account's lock; `verify` need not."""
        if call.signature_version == "v3":
            return self._claim_v3(call)
        return self._claim_v2(call)

    def _claim_v3(self, call: RpcCall) -> Claim:
        headers = call.headers
        header = headers.get("authorization")
        if not header:
            raise signing_rules.incomplete("the request carries no `Authorization` header")
        try:
            auth = signature.parse_v3_authorization(header)
        except signature.UnsupportedAlgorithm as e:
            raise ApiError("InvalidSignatureMethod", f"{e}.", 400) from None
        except signature.MalformedAuthorization as e:
            raise signing_rules.incomplete(str(e)) from None
        signing_rules.check_v3_headers(headers, auth.signed_headers, has_body=bool(call.body))
        signed_at = signing_rules.check_signing_time(headers["x-acs-date"], "x-acs-date")
        token = headers.get("x-acs-security-token")
        credential = self._credential(auth.access_key_id, token)
        claimed = Claim(
            call, credential, auth.access_key_id, token, headers["x-acs-signature-nonce"], signed_at
        )
        claimed.auth = auth
        return claimed

    def _claim_v2(self, call: RpcCall) -> Claim:
        given = dict(call.query) | dict(call.form)
        if not given.get("Signature") or not given.get("AccessKeyId"):
            raise signing_rules.incomplete("the request carries no `Signature` or `AccessKeyId`")
        if not given.get("SignatureNonce"):
            raise missing_parameter("SignatureNonce")
        token = given.get("SecurityToken")
        credential = self._credential(given["AccessKeyId"], token)
        signed_at = signing_rules.check_signing_time(given.get("Timestamp", ""), "Timestamp")
        claimed = Claim(
            call, credential, given["AccessKeyId"], token, given["SignatureNonce"], signed_at
        )
        claimed.given = given
        return claimed

    def admit(self, claim: Claim) -> Principal:
        """After `verify`: the key as it stands now (deleted, disabled or rotated meanwhile, it
        does not answer for the request), its own refusal, then the nonce (spent only now, so a
        forged request cannot burn someone else's; kept while its signing time is fresh).
        Runs under the account's lock, so that a replay cannot slip in between."""
        if not claim.verified:
            raise RuntimeError("admit() before verify(): the signature was never checked")
        credential = self._credential(claim.access_key_id, claim.token)
        if credential.secret != claim.credential.secret:
            raise _mismatch(claim.to_sign)
        if credential.refusal is not None:
            raise credential.refusal
        if not self._nonces.spend(claim.nonce, claim.signed_at):
            raise ApiError("SignatureNonceUsed", "The request signature nonce has been used.", 400)
        return credential.principal


class Claim:
    """A request's claim to be its key's holder, before and after the signature is checked.
    `verify` reads the request and the secret alone: it holds no lock while it hashes."""

    __slots__ = (
        "_call",
        "access_key_id",
        "auth",
        "credential",
        "given",
        "nonce",
        "signed_at",
        "to_sign",
        "token",
    )

    def __init__(
        self,
        call: RpcCall,
        credential: _Credential,
        access_key_id: str,
        token: str | None,
        nonce: str,
        signed_at: datetime,
    ) -> None:
        self._call: RpcCall | None = call
        self.credential = credential
        self.access_key_id = access_key_id
        self.token = token
        self.nonce = nonce
        self.signed_at = signed_at
        self.to_sign: str = ""
        #: What `claim` read of the request: its V3 `Authorization`, or its V2 parameters.
        self.auth: signature.V3Authorization | None = None
        self.given: dict[str, str] = {}

    @property
    def verified(self) -> bool:
        return self._call is None

    def verify(self) -> None:
        """Recompute the signature as the gateway does; SignatureDoesNotMatch when it differs."""
        call = self._call
        if call is None:
            return
        if self.auth is not None:
            self._verify_v3(call, self.auth)
        else:
            self._verify_v2(call)
        self._call = None

    def _verify_v3(self, call: RpcCall, auth: signature.V3Authorization) -> None:
        headers = call.headers
        # The body is covered by its hash alone: it must be the hash of the body that came.
        hashed_body = signature.payload_hash(auth.algorithm, call.body)
        self.to_sign = signature.v3_string_to_sign(
            call.method,
            call.path,
            call.query,
            headers,
            auth.signed_headers,
            hashed_body,
            auth.algorithm,
        )
        if not signature.signatures_match(hashed_body, headers["x-acs-content-sha256"]):
            raise _mismatch(self.to_sign)
        if not signature.signatures_match(
            signature.v3_signature(self.credential.secret, self.to_sign), auth.signature
        ):
            raise _mismatch(self.to_sign)

    def _verify_v2(self, call: RpcCall) -> None:
        given = self.given
        self.to_sign = signature.v2_string_to_sign(call.method, list(given.items()))
        expected = signature.v2_signature(self.credential.secret, self.to_sign)
        if not signature.base64_signatures_match(expected, given["Signature"]):
            raise _mismatch(self.to_sign)


#: Where a refused request's resource sits: its resource group id, or None (A61).
ResourceGroupOf = Callable[[str], str | None]
#: The control policies in force for the account's RAM identities, or None when the feature is
#: off (A65).
ControlPolicies = Callable[[], Sequence[tuple[PolicySource, CompiledPolicy]] | None]


def _no_group(resource: str) -> str | None:
    return None


def _no_control() -> None:
    return None


#: How many RAM users' identities (one per user and AccessKey) are kept at once.
IDENTITY_LIMIT = 256
#: How many principals' policy sets are kept at once (a role session with a session policy
#: counts as its own principal).
PRINCIPAL_LIMIT = 256
#: The products whose state policy sets are built from: RAM (attachments, versions, groups),
#: Resource Manager (resource-group-scoped attachments) and Resource Directory (control
#: policies). `FakeCloud` drops every set after any request one of them answers.
IDENTITY_PRODUCTS = frozenset({"ram", "resourcemanager", "resourcedirectorymaster"})


class PolicySets:
    """Each principal's `PolicySet`, built once (its own and its groups' policies at their
    default versions, the control policies in force, its session policy) with a memo of its
    Allows, and kept until `invalidate()`. The account calls that after every request RAM,
    Resource Manager or Resource Directory answered, reads included: no list of the actions
    that change a set has to be kept in step with those services, and none can be missed.
    At most `limit` principals are kept; past that the cache starts over."""

    def __init__(
        self,
        ram: RamService,
        control: ControlPolicies = _no_control,
        *,
        limit: int = PRINCIPAL_LIMIT,
    ) -> None:
        self._ram = ram
        self._control = control
        self._limit = limit
        self._sets: dict[tuple[str, str, str | None], DecisionMemo] = {}

    def __len__(self) -> int:
        return len(self._sets)

    def of(self, principal: Principal) -> DecisionMemo:
        """The principal's set and memo. Sessions of one role without a session policy share
        one; a session policy (named after its session in a refusal) gives its own."""
        policy = principal.session_policy
        key = (
            (principal.kind, principal.name, None)
            if policy is None
            else (principal.kind, principal.name, f"{principal.session}\n{policy.text}")
        )
        found = self._sets.get(key)
        if found is None:
            session = None
            if policy is not None:
                source = PolicySource(
                    f"session {principal.session}", "Session", "v1", "", "Session"
                )
                session = (source, policy)
            found = DecisionMemo(
                PolicySet(self._ram.identity_policies(principal), self._control(), session)
            )
            if len(self._sets) >= self._limit:
                self._sets.clear()
            self._sets[key] = found
        return found

    def invalidate(self) -> None:
        """Forget every set: the policies they were built from may have changed."""
        self._sets.clear()


class PolicyAuthorizer(Authorizer):
    """Decides a RAM identity's request as RAM does (`fakes.policy.decide`: control policies,
    account-level then resource-group-level identity policies, the session policy); the
    account owner is never subject to RAM. A refusal carries `AccessDeniedDetail` whose
    `EncodedDiagnosticMessage` decodes (ram:DecodeDiagnosticMessage) to the decision made.
    The policy sets come from `policy_sets` (one per account, shared by its products)."""

    def __init__(
        self,
        account_id: str,
        ram: RamService,
        product: str,
        refusals: deque[Decision],
        *,
        resource_group_of: ResourceGroupOf = _no_group,
        control: ControlPolicies = _no_control,
        policy_sets: PolicySets | None = None,
    ) -> None:
        self._account_id = account_id
        self._ram = ram
        self._product = product
        # Only refusals are kept: they are what needs explaining, and keeping every Allow would
        # make the hot path pay for long-lived garbage.
        self._refusals = refusals
        self._resource_group_of = resource_group_of
        self._sets = policy_sets if policy_sets is not None else PolicySets(ram, control)

    def check(
        self, principal: Principal, action: str, resource: str, context: ConditionContext
    ) -> None:
        if principal.is_account_owner:
            return
        memo = self._sets.of(principal)
        verdict = memo.refusal_of(action, resource, context, self._resource_group_of(resource))
        if verdict is None:
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
