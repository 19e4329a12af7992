"""Behaviour the fake models where no public source says what Alibaba Cloud does.

Each choice has an id, a one-line statement and the reason. Scenarios that depend on one are
tagged ``@assumption_<id>`` so a live or recorded run confirms or refutes it; code that
implements one cites its id. See shared/reference/alibaba-cloud.md for the NOT FOUND entries.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Assumption:
    """One modelled choice: what the fake does, and why that is the likeliest behaviour."""

    id: str
    statement: str
    reason: str


ASSUMPTIONS: dict[str, Assumption] = {
    a.id: a
    for a in (
        Assumption(
            "A1",
            "`ecs:CommandRunAs` is the `Username` sent; when none is sent it is the OS default "
            "(`root` on Linux, `System` on Windows)",
            "the guide says its deny-list forbids root, which holds only if the default is used",
        ),
        Assumption(
            "A2",
            "a condition on a key the request does not carry is false for positive operators and "
            "true for negated ones (`StringNot*`, `NumericNotEquals`, `DateNotEquals`, "
            "`NotIpAddress`)",
            "Alibaba documents no rule; this is AWS IAM's documented rule, which RAM mirrors",
        ),
        Assumption(
            "A3",
            "`AliyunECSReadOnlyAccess` allows `ecs:Describe*`, `ecs:List*`, `vpc:DescribeVpcs` and "
            "`vpc:DescribeVSwitches` on `*`",
            "confirmed: https://www.alibabacloud.com/help/doc-detail/273911.htm lists these four",
        ),
        Assumption(
            "A4",
            "an ECS denial is HTTP 403 `Forbidden.RAM` and carries `AccessDeniedDetail`",
            "403 Forbidden.RAM is documented; AccessDeniedDetail is seen on newer gateways only",
        ),
        Assumption(
            "A5",
            "on Windows, the agent reads the password with the instance role's STS credentials, "
            "so the role needs `oos:GetSecretParameter` and `kms:GetSecretValue`",
            "the guide's role policy grants exactly these two actions",
        ),
        Assumption(
            "A6",
            "Action names match case-insensitively; resource ARNs case-sensitively",
            "RAM says actions are case-insensitive 'in most cases'; ARN case is not published",
        ),
        Assumption(
            "A7",
            "RunCommand is authorized once per target instance, on `instance/<id>` with that "
            "instance's run-as user, and on `command/*` only when `KeepCommand=true`",
            "[ECS-RAM] lists `instance/{id}` only for RunCommand; [CA-RAM] adds `command/*` for "
            "KeepCommand (shared/reference/paths-to-root.md section 1). Alibaba's sample policy "
            "with `instance/*` only therefore works",
        ),
        Assumption(
            "A8",
            "only RunCommand and InvokeCommand carry `ecs:CommandRunAs`; CreateCommand, "
            "DeleteCommand, StopInvocation and every Describe call carry none, so under A2 an "
            "allow-list condition refuses them and a deny-list condition lets them through",
            "the run-as user is chosen only when a command runs; other calls have no such field",
        ),
        Assumption(
            "A9",
            "InvokeCommand is authorized once per target instance, on `instance/<id>` and "
            "`command/<id>`, with that instance's run-as user (the `Username` sent, else A1)",
            "the authorization table lists both resources and `ecs:CommandRunAs` as its key",
        ),
        Assumption(
            "A10",
            "an action the product does not have is HTTP 404 `InvalidAction.NotFound`",
            "the code is seen in live fixtures; its HTTP status is not published",
        ),
        Assumption(
            "A11",
            "calls that name no single resource (DescribeInstances, DescribeCommands, "
            "DescribeInvocations, ...) are authorized on the type they read, `instance/*` or "
            "`command/*`, or on `instance/<id>` when one instance is named",
            "the ECS authorization tables list `instance/*` for such calls",
        ),
        Assumption(
            "A12",
            "a run-as user missing from the instance ends that instance's run as `Failed` with "
            "`ErrorCode` `AccountNotExists`, no output and no exit code",
            "the ErrorCode is documented; the status for it is not (reference 1.7)",
        ),
        Assumption(
            "A13",
            "a V2 (`HMAC-SHA1`) request whose `Timestamp` is more than 15 minutes from the real "
            "clock, either way, is refused with 400 `InvalidTimeStamp.Expired`; one not written "
            "`YYYY-MM-DDThh:mm:ssZ` with 400 `InvalidTimeStamp.Format` (message not published)",
            "both codes are documented, the window is not (reference 4.3); 15 minutes is the "
            "usual signed-request skew (AWS SigV4 allows 15). The real clock, since clients sign "
            "with theirs and the fake's virtual clock runs ahead by a second per request",
        ),
        Assumption(
            "A14",
            "deleting a policy's default version is refused with 409 "
            "`DeleteConflict.Policy.Version.Default`",
            'confirmed: "DeleteConflict.Policy.Version.Default — HTTP status: 409" '
            "(AlibabaCloudDocs/ram, API Reference/Error messages.md)",
        ),
        Assumption(
            "A15",
            "an OOS secret parameter's value is a KMS secret protected by the region's default "
            "service key: creating one needs `kms:CreateSecret`, reading it decrypted needs "
            "`kms:GetSecretValue`",
            'half confirmed: the OOS API reference says of GetSecretParameter "ensure that you '
            'have the permissions to call the GetSecretValue API operation of KMS"; '
            "CreateSecretParameter asks for KMS CreateSecret rights. The default key's alias "
            "is NOT FOUND, and where the value is kept is A30",
        ),
        Assumption(
            "A16",
            "OOS refusals are HTTP 403 `Forbidden.RAM`, as ECS's are",
            "OOS's refusal text is NOT FOUND. Refuted for KMS, whose refusals are 403 "
            '`Forbidden.NoPermission` "This operation is forbidden by permission system." '
            "(AlibabaCloudDocs/kms, API Reference/Calling method/Responses.md), as the fake "
            "answers",
        ),
        Assumption(
            "A17",
            "the agent's password fetch fails, as `QueryParameterStoreFailed`, whenever the "
            "parameter is absent from the instance's region or the instance role may not read it",
            "the troubleshooting guide names one code for 'failed to pull parameters'",
        ),
        Assumption(
            "A20",
            "condition key names match case-insensitively (`ecs:commandrunas` is "
            "`ecs:CommandRunAs`); the values compare as their operator says",
            "RAM does not say; AWS IAM documents key names as case-insensitive and RAM copies its "
            "condition language",
        ),
        Assumption(
            "A21",
            "element names (`Effect`, `Action`, ...), the `Effect` values `Allow`/`Deny` and "
            "condition operator names are case-sensitive: `allow` or `stringequals` is malformed",
            "the docs spell them one way only; refusing other spellings fails closed and loudly",
        ),
        Assumption(
            "A22",
            "typed operators parse the request's string (decimal numbers; ISO-8601 dates, UTC when "
            "no zone; `true`/`false` in any case; IP addresses); a value that does not parse makes "
            "the condition not hold, negated operators included. Policy dates are ISO-8601 only",
            "not documented; a value the operator cannot read proves nothing either way",
        ),
        Assumption(
            "A23",
            "only the 21 documented condition operators exist; `...IfExists`, `Null` and the "
            "`ForAllValues:`/`ForAnyValue:` prefixes are refused as unknown operators",
            "no RAM source documents them (reference 3.3); an unknown operator must fail closed",
        ),
        Assumption(
            "A24",
            "a statement may carry a string `Sid`, which is ignored; `Principal`, `NotResource` "
            "and any other key make an identity policy malformed",
            "Sid is harmless and common in copied policies; NotResource is not documented for RAM",
        ),
        Assumption(
            "A25",
            "when the request carries several values for a key, a positive operator holds if any "
            "value matches a listed value, a negated operator if none does",
            "reference 3.3 describes one request value only; this is the plain any/none reading",
        ),
        Assumption(
            "A26",
            "a wildcard in a Resource pattern matches within its ARN segment (service, region, "
            "account); only the relative id, the last segment, may match `:`",
            "ARNs are documented as five colon-separated parts, each of which may be `*`",
        ),
        Assumption(
            "A27",
            "a V3 request is refused with 400 `IncompleteSignature` when `SignedHeaders` has an "
            "upper-case or empty name or leaves out a common header it sends (`host`, any "
            "`x-acs-*`, and `content-type` when it sends a body); with 400 `MissingParameter` "
            "when it lacks "
            "`x-acs-signature-nonce`, `x-acs-date` or `x-acs-content-sha256` (and a V2 request "
            "when it lacks `SignatureNonce`); with 400 `SignatureDoesNotMatch` when "
            "`x-acs-content-sha256` is not the body's hash; and with 400 "
            "`InvalidTimeStamp.Format` / `InvalidTimeStamp.Expired` when `x-acs-date` is not "
            "`YYYY-MM-DDThh:mm:ssZ` or is more than 15 minutes from the real clock, either way",
            "the rules are Alibaba's V3 signature document (every common header but "
            "Authorization is signed; the date is within 15 minutes before sending; the body is "
            "covered by its hash) and the codes are documented (reference 4.3); which code "
            "answers which broken rule, and the window for a date ahead of the clock, are NOT "
            "FOUND. A third-party fixture shows V2's missing `Timestamp` as `MissingParameter`. A "
            "body-less request may carry an unsigned `content-type`: the official SDK's async "
            "calls do (aiohttp adds `application/octet-stream`), and Alibaba serves that SDK",
        ),
        Assumption(
            "A28",
            "a parameter sent twice with different values (in the query, the body or both), and "
            "a list index that is not an ASCII decimal from 1 without a leading zero, or leaves "
            "a gap (`InstanceId.1`, `InstanceId.3`), is refused with 400 `InvalidParameter` "
            "naming the parameter; the same value twice is one parameter",
            "the SDKs flatten lists as `Name.1..N` and send each parameter once (the legacy SDK "
            "repeats `RegionId` with one value); how Alibaba answers anything else is NOT FOUND, "
            "and a fake that guessed would run what the signer did not mean",
        ),
        Assumption(
            "A29",
            "a request the HTTP layer cannot take (a request line over 1 MiB, a header line "
            "over 64 KiB or more than 100 headers, a body shorter than its Content-Length, a bad "
            "chunk), or a JSON parameter nested too deeply to parse, is answered in Alibaba's "
            "JSON envelope with `InvalidParameter`, keeping the HTTP status that names the limit "
            "(414, 431, else 400)",
            "the real gateway's answer to these is NOT FOUND; the envelope keeps the SDKs from "
            "failing on an HTML page, and the codes are documented (reference 4.3)",
        ),
        Assumption(
            "A30",
            "the KMS secret that holds an OOS secret parameter's value is named `oos/<name>`, "
            "so its ARN is `acs:kms:<region>:<account>:secret/oos/<name>`",
            "two public third-party policy files scope an OOS secret parameter's KMS secret as "
            "`acs:kms:*:*:secret/oos/<name>` (reference paths-to-root.md section 5); no Alibaba "
            "document names the secret",
        ),
        Assumption(
            "A60",
            "a RAM list's `Marker` is the position of the next entry; a `Marker` the listing never "
            "handed out is HTTP 400 `InvalidParameter.Marker`",
            "the SDK documents MaxItems, Marker and IsTruncated; the marker's form and the code "
            "for a bad one are NOT FOUND",
        ),
        Assumption(
            "A61",
            "resource-group-scoped identity policies are evaluated only when the account-level "
            "ones decide nothing (an implicit deny), and only for resources in that group; in the "
            "fake "
            "only ECS instances belong to a resource group (commands and `*` belong to none)",
            "RAM's evaluation doc: account level first, and on Allow or explicit Deny 'the "
            "evaluation ends' (paths-to-root section 4); which resource types carry a group in "
            "the evaluation is NOT FOUND",
        ),
        Assumption(
            "A62",
            "`ResourceGroupId` on AttachPolicyTo*/DetachPolicyFrom* naming no resource group is "
            "HTTP 400 `InvalidParameter.ResourceGroupId`; the account id names account level",
            "Resource Manager's AttachPolicy documents the account id as account scope; the code "
            "for an unknown group is NOT FOUND",
        ),
        Assumption(
            "A63",
            "ListPoliciesForUser/ForGroup/ForRole list attachments at every scope, a scoped one "
            "carrying `ResourceGroupId` (which the RAM SDK model drops: read scopes with Resource "
            "Manager's ListPolicyAttachments)",
            "the RAM responses document no scope field; whether scoped attachments appear is NOT "
            "FOUND",
        ),
        Assumption(
            "A64",
            "DecodeDiagnosticMessage answers an `EncodedDiagnosticMessage` it did not issue with "
            "HTTP 400 `InvalidParameter.EncodedDiagnosticMessage`",
            "the API reference lists no error codes (NOT FOUND)",
        ),
        Assumption(
            "A65",
            "the fake's one account is both the resource directory's management account and a "
            "member under its Root folder: control policies attached to the Root folder or to the "
            "account id bind its RAM users and roles once EnableControlPolicy is called (at once; "
            "the answer says `PendingEnable` as the documented sample does); they are evaluated "
            "together, an explicit Deny refuses and a request none allows is implicitly denied",
            "a real management account is not bound by control policies; a single-account fake "
            "must be both to show the guard rail. Control policies grant nothing and "
            "FullAliyunAccess is attached by default (EnableControlPolicy and AttachControlPolicy "
            "API references)",
        ),
        Assumption(
            "A66",
            "a decoded diagnostic's `MatchedPolicies` are the policies whose statements decided "
            "(none for an implicit deny), `PolicyType` `System`/`Custom` (`ControlPolicy` for a "
            "control policy), `PolicyVersion` only for custom ones, `AttachedScope` the account "
            "id, the resource group or the Resource Directory target, `AttachedEntityType` "
            "`User`/`Group`/`Role`",
            "the RAM SDK 1.3.0 model names the fields; their values beyond its docstrings are NOT "
            "FOUND",
        ),
        Assumption(
            "A67",
            "Resource Manager and Resource Directory refusals are HTTP 403 `NoPermission`, like "
            "RAM's",
            "NOT FOUND for these products",
        ),
        Assumption(
            "A68",
            "Resource Manager and Resource Directory error codes are named like RAM's: "
            "`EntityNotExists.ResourceGroup`, `EntityAlreadyExists.ResourceGroup`, "
            "`EntityNotExists.ControlPolicy`, `EntityNotExists.Target`, "
            "`EntityAlreadyExists.ControlPolicyAttachment`, `MalformedPolicyDocument`, "
            "`InvalidParameter.PolicyDocument.Length`; a principal is named `<name>@<account "
            "id>.onaliyun.com` (the account id standing for the account alias)",
            "their API references list few or no codes (NOT FOUND); AttachPolicy documents the "
            "principal name format with the account alias",
        ),
        Assumption(
            "A90",
            "an implicit deny of `ecs:RunCommand`/`ecs:InvokeCommand` whose decoded "
            "`AuthConditions` carry the `ecs:CommandRunAs` sent, under an identity-based policy "
            "type, is the run-as condition's: a statement allowed the action and its "
            "`ecs:CommandRunAs` condition failed",
            "DecodeDiagnosticMessage returns the request's AuthAction, AuthResource and "
            "AuthConditions and the MatchedPolicies that decided, none for an implicit deny "
            "(A66; help.aliyun.com/zh/ram/developer-reference/"
            "api-ram-2015-05-01-decodediagnosticmessage): which statement came close is NOT "
            "FOUND in any field, so on a real account a failed run-as condition and no Allow "
            "at all read the same; the fake's own explanation tells them apart",
        ),
        Assumption(
            "A91",
            "Resource Manager's AttachPolicy/DetachPolicy make and remove the very attachments "
            "RAM's AttachPolicyTo*/DetachPolicyFrom* do (one store, one scope meaning) and refuse "
            "with RAM's codes for the same mistakes (`EntityNotExist.User`/`Group`/`Role`, "
            "`EntityNotExist.Policy`, `EntityAlreadyExists.User.Policy`, "
            "`EntityNotExist.User.Policy`, `InvalidParameter.PolicyType`); a `PrincipalType` "
            "other than IMSUser, IMSGroup, ServiceRole, or a `PrincipalName` not in the "
            "documented format for it, is HTTP 400 `InvalidParameter.PrincipalType` / "
            "`InvalidParameter.PrincipalName`; a `ResourceGroupId` naming no resource group is "
            "A68's `EntityNotExists.ResourceGroup`",
            "the AttachPolicy API reference documents the parameters, the principal name "
            "formats and the scope (a resource group id, or the account id for the account) "
            "and lists no error codes (NOT FOUND)",
        ),
        Assumption(
            "A40",
            "`ecs-assist-user` (with `/etc/sudoers.d/ecs-assist-user`: `ALL=(ALL) NOPASSWD:ALL`) "
            "does not exist on a fresh Linux image; the agent creates it when the first Session "
            "Manager session with no `Username` starts (StartTerminalSession), and it stays",
            "the user, its sudoers rule and its creation for sessions are in the agent's source "
            "(aliyun/aliyun_assist_client `CreateLocalAdminUser`, shell_linux.go "
            "`default_runas_user`); when it first exists, on which images: NOT FOUND",
        ),
        Assumption(
            "A41",
            "with `ContainerId` or `ContainerName`, `ecs:CommandRunAs` still carries the "
            "`Username` sent (else A1's default), though it does not take effect: the command "
            "runs as the container's default user (often root; in the fake, the one "
            "`add_instance(containers=...)` names)",
            "[SDK] `_run_command_request.py` says Username does not take effect; the key's "
            "value then: NOT FOUND. The fake has no container file system: the run happens on "
            "the instance's guest, as the container's default user",
        ),
        Assumption(
            "A42",
            "SendFile is authorized once per target instance on `instance/<id>`, with no "
            "`ecs:CommandRunAs`; an existing file without Overwrite fails that instance with "
            "`FileAlreadyExists`, an owner or group the instance lacks with "
            "`UserOrGroupNotExist`; a file is written one tick after the Pending read",
            "[ECS-RAM] lists `instance/*` and no condition key for SendFile; the two ErrorCodes "
            "are NOT FOUND",
        ),
        Assumption(
            "A43",
            "StartTerminalSession, EndTerminalSession and DescribeTerminalSessions are "
            "authorized on `instance/<id>` (or `instance/*`), with no `ecs:CommandRunAs`; the "
            "WebSocketUrl returned is not served, so what a session does is not observable",
            "[ECS-RAM] lists no condition key for them; the fake does not speak the session "
            "protocol",
        ),
        Assumption(
            "A44",
            "a periodic or reboot task's instance is `Scheduled` before its first run and shows "
            "its last run's status between runs; the task is `Scheduled` while none runs; a "
            "`rate` task's runs fall at creation + n x interval on the virtual clock",
            "[SDK] documents rate's timing and the values of RepeatMode; the statuses between "
            "runs are NOT FOUND",
        ),
        Assumption(
            "A45",
            "ModifyInvocationAttribute is authorized on each instance of the task (and each "
            "instance added) and on its `command/<id>`, with no `ecs:CommandRunAs`; new content "
            "runs from the next run on, as the task's run-as user; a task that runs once is "
            "refused with 400 `InvalidOperation.InvocationNotPeriodic`",
            "reference section 2 (the API reference: periodic tasks, run-as kept); the code of "
            "the refusal is NOT FOUND",
        ),
        Assumption(
            "A46",
            "ModifyInstanceAttribute, RebootInstance and InstallCloudAssistant are authorized "
            "on `instance/<id>` with no condition key; a new `Password` is root's (Linux) or "
            "Administrator's (Windows), in effect from the next RebootInstance (on Linux, root's "
            "/etc/shadow entry then changes); "
            "`UserData` runs as root at the next RebootInstance",
            "https://www.alibabacloud.com/help/doc-detail/25503.html (Password, UserData); "
            "when the fake applies them is its choice",
        ),
        Assumption(
            "A47",
            "the run-as name is looked up as the OS looks a user name up (Go's `os/user.Lookup` "
            "in the agent, no trimming, no case folding on Linux, no uid): ` root`, `Root`, "
            "`ro<U+200B>ot`, `./root` and `0` are no account on Linux, so `AccountNotExists`; "
            "Windows names ignore case, and `.\\System`, `NT AUTHORITY\\SYSTEM` and "
            "`LocalSystem` are no local account either",
            "the agent's name lookup is not documented; this is how getpwnam and Windows local "
            "account names behave. NOT FOUND for the agent itself",
        ),
        Assumption(
            "A85",
            "a run sent to an instance whose Cloud Assistant agent is stopped (or silent) is "
            "accepted, and fails on that instance with `ClientNotRunning` (or "
            "`ClientNotResponse`) without running; the agent reports `CloudAssistantStatus` "
            "`false` from when it stopped",
            "both codes are documented per-instance delivery failures (reference section 1.7); "
            "RunCommand's SDK docstring also says an instance that does not meet the execution "
            "conditions may fail the whole call, which the fake does not model: the harness "
            "leaves such instances out before it calls either way",
        ),
        Assumption(
            "A86",
            "DescribeInstances and DescribeCloudAssistantStatus page by `NextToken`/`MaxResults` "
            "when either is sent, else by `PageNumber`/`PageSize`; the fake's token is its own, "
            "and one it did not make is `InvalidParameter`; `ResourceGroupId` filters on any "
            "group, the default one too",
            "the paging fields and the clamping of DescribeInstances' `MaxResults` to 10..100 are "
            "the SDK's (_describe_instances_request.py, _describe_cloud_assistant_status_request"
            ".py); the code for a bad token, and what filtering on the default resource group "
            "(documented as not supported) answers, are NOT FOUND",
        ),
        Assumption(
            "A48",
            "DescribeTags and DescribeTagKeys are authorized on `instance/*` (or the named "
            "resource); DescribeTags lists the instances' tags, DescribeTagKeys none",
            "the guide's action list names them; their resource in the RAM table: NOT FOUND",
        ),
        Assumption(
            "A70",
            "the instance metadata service answers HTTP 404 (an HTML page) for a path it does "
            "not serve, for `ram/security-credentials/` when the instance holds no role, and "
            "for a role the instance does not hold; it answers any local user, root or not, "
            "in normal mode (no IMDSv2 token required)",
            "the credential path and its JSON are documented "
            "(https://help.aliyun.com/zh/ecs/user-guide/obtain-a-temporary-authorization-token); "
            "the 404 and its body are NOT FOUND (AWS's metadata service answers so)",
        ),
        Assumption(
            "A71",
            "the instance role's credentials are an STS session named `vm-ram-<instance id>`, "
            "valid for one hour and renewed 15 minutes before they expire",
            "the session name is what public transcripts of GetCallerIdentity on an instance "
            "show (`assumed-role/<role>/vm-ram-i-...`, HashiCorp Vault's alicloud auth docs); "
            "the lifetime and renewal are NOT FOUND (the docs say only 'updated periodically')",
        ),
        Assumption(
            "A72",
            "ImportKeyPair is authorized on `keypair/<name>`, AttachKeyPair on each "
            "`instance/<id>` and on `keypair/<name>`, with no condition key; at the next "
            "RebootInstance the bound key pair's public key is root's only authorized key "
            "(`/root/.ssh/authorized_keys`, 0600); an unknown key pair is 404 "
            "`InvalidKeyPairName.NotFound`, a second import of a name 400 "
            "`KeyPair.AlreadyExist`, a key that is no OpenSSH public key 400 "
            "`InvalidPublicKeyBody.Malformed`",
            "the API reference documents the binding, its taking effect at the restart and the "
            "replacement of an earlier key pair "
            "(https://help.aliyun.com/en/ecs/developer-reference/api-ecs-2014-05-26-attachkeypair);"
            " the RAM resources, the error codes and which user's key it becomes (root on "
            "Alibaba's public images, by their logon guides) are NOT FOUND in what was read",
        ),
        Assumption(
            "A80",
            "the fake refuses by name (`UnsupportedParameter`) every request parameter of the "
            "side-door actions that it does not model, among them the POP account parameters "
            "`OwnerId`, `OwnerAccount`, `ResourceOwnerId` and `ResourceOwnerAccount`",
            "what the real API does with the account parameters for a RAM user is NOT FOUND; a "
            "parameter accepted and ignored would make the fake's answer proof of nothing "
            "(fakes/services/ecs/unmodelled.py)",
        ),
        Assumption(
            "A81",
            "SendFile: a Timeout below 10 is raised to 10 and above 86400 refused; an instance "
            "outside the ResourceGroupId named is refused as `InvalidResourceGroupId.Mismatch`; "
            "DescribeSendFileResults' Tag filter matches a tag asked with no value on its key "
            "alone",
            "the SDK documents the raise to 10, the resource-group rule and the filters; the "
            "upper bound, the refusal's code and the key-only match are NOT FOUND",
        ),
        Assumption(
            "A82",
            "StartTerminalSession's `ConnectionType` Intranet gives a WebSocketUrl on a `-vpc` "
            "host; the fake serves neither URL",
            "the SDK documents Internet (default) and Intranet; the Intranet URL form is NOT FOUND",
        ),
        Assumption(
            "A83",
            "RAM evaluates `acs:ResourceTag/<key>` on the instance for RunCommand, InvokeCommand "
            "and the side doors authorized on an instance, in a Deny as in an Allow: a Deny on "
            "runs on instances tagged as container hosts refuses every run there",
            "documented for Allow: tags decide on which instances a RAM user may run Cloud "
            "Assistant commands and send files (https://www.alibabacloud.com/help/en/ecs/"
            "user-guide/control-the-executions-of-cloud-assistant-commands-based-on-tags); "
            "`acs:ResourceTag/<key>` is the tag of the requested resource (https://www."
            "alibabacloud.com/help/en/ram/use-cases/use-tags-to-control-access-to-ecs-resources-1)"
            " and a Deny on `instance/*` with it is ECS's own example (https://www.alibabacloud"
            ".com/help/en/ecs/user-guide/manage-resource-permissions-with-tags). The same Deny "
            "on Cloud Assistant runs, live: NOT FOUND",
        ),
        Assumption(
            "A84",
            "TagResources and UntagResources on instances are authorized on each "
            "`instance/<id>` as `ecs:TagResources` / `ecs:UntagResources`",
            "Alibaba's tag-based policies deny `ecs:TagResources` and `ecs:UntagResources` "
            "(https://www.alibabacloud.com/help/en/resource-management/latest/create-a-resource-"
            "with-a-specific-tag-1); the resource in the RAM table: NOT FOUND",
        ),
        Assumption(
            "A100",
            "Cloud Assistant keeps an invocation 30 days from its creation and at most 10,000 "
            "of them per account (the fake: `invocation_limit`), forgetting the oldest "
            "completed ones first; one still pending, running or with runs to come is kept",
            "the DescribeInvocations API reference: 'execution information from the last 30 "
            "days. A maximum of 10,000 execution records are retained' (https://www."
            "alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-"
            "describeinvocations, 2026; older copies: four weeks, 100,000); what counts as a "
            "record, and which go first, are NOT FOUND",
        ),
        Assumption(
            "A101",
            "a forgotten invocation is as if it never was: DescribeInvocations and "
            "DescribeInvocationResults list nothing for its InvokeId (TotalCount 0), and "
            "StopInvocation answers 404 `InvalidInvokeId.NotFound`",
            "the reference says only that older records are not retained; an unknown InvokeId "
            "is how the fake already answers. NOT FOUND",
        ),
        Assumption(
            "A102",
            "with `NextToken` or `MaxResults`, DescribeInvocations and DescribeInvocationResults "
            "page from the entry after the token's, still report TotalCount, and refuse a token "
            "they never gave with 400 `InvalidParameter`",
            "the reference says PageNumber/PageSize do not take effect then and TotalCount is "
            "'invalid'; the error for a bad token is NOT FOUND",
        ),
        Assumption(
            "A103",
            "Cloud Assistant keeps SendFile's records (DescribeSendFileResults) as it keeps "
            "invocations (A100): 30 days from their creation and at most `invocation_limit` of "
            "them, counted apart from invocations, the oldest written first; a forgotten one "
            "is as if it never was",
            "the DescribeSendFileResults API reference disagrees with itself: 'the last six "
            "weeks' (English, https://www.alibabacloud.com/help/en/ecs/developer-reference/"
            "api-ecs-2014-05-26-describesendfileresults), 'the last one day, at most 1,000 "
            "entries' (its Indonesian and Japanese copies, Sep 2026), 'two weeks, 100,000' "
            "(an older Japanese copy); the fake keeps them as long as invocations, so that it "
            "never forgets a file sooner than the longest-lived record it also keeps",
        ),
        Assumption(
            "A110",
            "a run sent into a container (ContainerId, a runtime prefix allowed, or "
            "ContainerName) that the instance does not run is accepted, and fails on that "
            "instance with ErrorCode `ContainerNotExists` (Failed); a container that runs runs "
            "the command as its default user, whatever Username says",
            "[SDK] `_run_command_request.py`: 'the command can only be run by the default user "
            "of the container'; the ErrorCode and whether the call itself is refused instead: "
            "NOT FOUND (RunCommand reference, https://www.alibabacloud.com/help/en/ecs/"
            "developer-reference/api-ecs-2014-05-26-runcommand; execution errors, "
            "https://alibabacloud.com/help/doc-detail/87029.html)",
        ),
        Assumption(
            "A120",
            "a cron Frequency without a time zone runs in UTC: every fake instance's system "
            "time zone is UTC",
            "[SDK] `_run_command_request.py`: without a zone 'the internal system time zone of "
            "the instance' is used; which zone a fresh image has: NOT FOUND",
        ),
        Assumption(
            "A121",
            "a cron expression restricting both the day of month and the day of week (neither "
            "`*` nor `?`) is refused by name (UnsupportedParameter), as is `L`, `W` and `#`",
            "https://www.alibabacloud.com/help/en/ecs/user-guide/cron-expressions lists the "
            "fields and characters; how both day fields combine: NOT FOUND (Quartz refuses it)",
        ),
        Assumption(
            "A130",
            "a Windows StartTerminalSession as another user (Username + PasswordName) is "
            "accepted whatever the password; the agent then reads the OOS encrypted parameter "
            "with the instance role as for RunCommand's WindowsPasswordName (A5), and a missing "
            "role, parameter, permission or user, or a wrong password, leaves the session's "
            "connection `Failed` with FailedDetail `InstanceRoleInvalid`, "
            "`QueryParameterStoreFailed`, `AccountNotExists` or `UserOrPasswordInvalid`; one "
            "that logs on runs as that user",
            "[SDK] `_start_terminal_session_request.py`: PasswordName names the password of the "
            "non-default user, kept in OOS as an encrypted parameter (https://help.aliyun.com/"
            "document_detail/186828.html); the StartTerminalSession reference (https://www."
            "alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-"
            "startterminalsession) lists no error for it. Whether the call is refused instead, "
            "and the Status and FailedDetail values: NOT FOUND",
        ),
    )
}
