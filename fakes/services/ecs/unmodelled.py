"""What the fake's ECS does not model, by action and parameter name: refused by name before the
action runs, never accepted and ignored. A parameter the fake accepted without doing what the
real API does would make the fake's "no" (or its "nothing happened") proof of something it is
not: "a command the fake does not know is not proof that a user cannot do it".

A parameter is matched by its wire name, and a list or object parameter by its prefix too
(`Tag` matches `Tag.1.Key`, `CpuOptions` matches `CpuOptions.Core`). Every parameter the SDK's
request model of a side-door action lists is either here or modelled with a behavioural test
(tests/fakes/test_parameters_are_modelled_or_refused.py walks the SDK models to keep it so).
"""

from __future__ import annotations

from collections.abc import Mapping

from fakes.services.base import Call
from fakes.services.ecs import errors

#: The POP gateway's account parameters, which every ECS request model lists: what the real
#: API does with them for a RAM user is NOT FOUND (A80), so the fake models none of them.
ACCOUNT_PARAMETERS = ("OwnerId", "OwnerAccount", "ResourceOwnerId", "ResourceOwnerAccount")

#: Cloud Assistant runs: a launcher, OSS output, targets chosen by tag, tags on the task and
#: resource groups of the task are not modelled ([SDK] `_run_command_request.py`).
_RUN = ("Launcher", "OssOutputDelivery", "ResourceTag", "Tag", "ResourceGroupId", "SessionMode")

UNMODELLED: Mapping[str, tuple[str, ...]] = {
    "RunCommand": (*ACCOUNT_PARAMETERS, *_RUN),
    # InvokeCommand runs the saved command in the command's own working directory.
    "InvokeCommand": (*ACCOUNT_PARAMETERS, *_RUN, "WorkingDir"),
    "CreateCommand": (*ACCOUNT_PARAMETERS, "Launcher", "Tag", "ResourceGroupId"),
    "ModifyCommand": (*ACCOUNT_PARAMETERS, "Launcher"),
    # Idempotence of these calls is not modelled: a ClientToken is refused, not ignored.
    "ModifyInvocationAttribute": (*ACCOUNT_PARAMETERS, "ClientToken"),
    "SendFile": (*ACCOUNT_PARAMETERS, "ClientToken"),
    "DescribeSendFileResults": ACCOUNT_PARAMETERS,
    # End-to-end session encryption acts on the WebSocket stream, which the fake does not serve
    # (A43); its rules (Enabled, Mode Auto|Kms, KMSKeyId) are documented, its effect is not seen.
    "StartTerminalSession": (*ACCOUNT_PARAMETERS, "ClientToken", "EncryptionOptions"),
    "EndTerminalSession": ACCOUNT_PARAMETERS,
    "DescribeTerminalSessions": ACCOUNT_PARAMETERS,
    # The instance's own attributes beside its name, password and user data: none of them
    # bears on who may act as root, and the fake keeps none of them.
    "ModifyInstanceAttribute": (
        *ACCOUNT_PARAMETERS,
        "HostName",
        "Description",
        "SecurityGroupIds",
        "CpuOptions",
        "CreditSpecification",
        "DeletionProtection",
        "EnableJumboFrame",
        "EnableNetworkEncryption",
        "NetworkInterfaceQueueNumber",
        "PrivateDnsNameOptions",
        "Recyclable",
        "RemoteConnectionOptions",
    ),
    "AttachInstanceRamRole": (*ACCOUNT_PARAMETERS, "Policy"),
    "AttachKeyPair": ACCOUNT_PARAMETERS,
    # A key pair's resource group and tags decide nothing about whose key root's is.
    "ImportKeyPair": (*ACCOUNT_PARAMETERS, "ResourceGroupId", "Tag"),
    "TagResources": ACCOUNT_PARAMETERS,
    "UntagResources": ACCOUNT_PARAMETERS,
    "DescribeTags": (*ACCOUNT_PARAMETERS, "Category"),
}


#: The names before the first `.` of each action's refused names: a call that sends none of
#: them (the common case, met in one pass over the names sent) is refused for none.
_REFUSED = {
    action: frozenset(name.partition(".")[0] for name in names)
    for action, names in UNMODELLED.items()
}


def refuse_unmodelled(call: Call) -> None:
    """Refuse the call, naming the parameter, when it carries one the fake does not model
    (the first of them in `UNMODELLED`'s order, when it carries several)."""
    refused = _REFUSED.get(call.action)
    if refused is None or refused.isdisjoint(key.partition(".")[0] for key in call.params):
        return
    for name in UNMODELLED[call.action]:
        if call.params.sends(name):
            raise errors.unmodelled_parameter(call.action, name)
