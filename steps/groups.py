"""Steps about where else a grant comes from: RAM groups, policies attached for a resource
group, control policies, and the decoded reason a refusal gives."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.errors import HarnessError, SpecViolation
from harness.sdk.gateway import Refusal
from harness.world import World
from steps import quoted
from steps.commands import by_the_expected_policy

#: How the spec names the layer that refused, and how AccessDeniedDetail spells it.
LAYERS = {
    "a control policy": "ControlPolicy",
    "an account-level policy": "AccountLevelIdentityBasedPolicy",
    "a resource-group-level policy": "ResourceGroupLevelIdentityBasedPolicy",
}


@given(
    parsers.re(
        r'(?P<user>\w+) is a member of the group "(?P<group>[^"]+)" with the polic(?:y|ies) '
        r"(?P<policies>.+)"
    )
)
def a_group_member(world: World, user: str, group: str, policies: str) -> None:
    """commandUser (or another user) belongs to a RAM group holding these policies."""
    world.principal(user)  # the user must exist first
    world.grants.group(group, quoted(policies), world.cloud_name(user))


@given(parsers.parse('the administrator has removed {user} from the group "{group}"'))
@when(parsers.parse('the administrator removes {user} from the group "{group}"'))
def removed_from_group(world: World, user: str, group: str) -> None:
    """The administrator takes the user out of the group (RemoveUserFromGroup)."""
    world.grants.remove_member(group, world.cloud_name(user))


@given(
    parsers.re(
        r"(?P<user>\w+) has the polic(?:y|ies) (?P<policies>.+) for the resource group of the "
        r"(?P<os>Linux|Windows) instance"
    )
)
def scoped_to_the_instance_group(world: World, user: str, policies: str, os: str) -> None:
    """Policies attached for the resource group the instance belongs to only."""
    world.principal(user)
    group = world.grants.resource_group_of(world.instance(os))
    world.grants.scoped(world.cloud_name(user), quoted(policies), group)


@given(
    parsers.re(
        r"(?P<user>\w+) has the polic(?:y|ies) (?P<policies>.+) for the resource group of the "
        r"(?P<os>Linux|Windows) instance, attached through Resource Manager"
    )
)
def scoped_through_resource_manager(world: World, user: str, policies: str, os: str) -> None:
    """Policies attached for the instance's resource group only, with Resource Manager's
    AttachPolicy instead of RAM's."""
    world.principal(user)
    group = world.grants.resource_group_of(world.instance(os))
    world.grants.scoped(world.cloud_name(user), quoted(policies), group, via="resourcemanager")


@given(
    parsers.re(
        r"(?P<user>\w+) has the polic(?:y|ies) (?P<policies>.+) for the empty resource group "
        r'"(?P<name>[^"]+)"'
    )
)
def scoped_to_another_group(world: World, user: str, policies: str, name: str) -> None:
    """Policies attached for another resource group, not the instance's."""
    world.principal(user)
    group = world.grants.resource_group(name)
    world.grants.scoped(world.cloud_name(user), quoted(policies), group)


@given(parsers.parse('the control policy "{label}" is attached to the resource directory'))
def a_control_policy(world: World, label: str) -> None:
    """A Resource Directory control policy from features/policies, attached to the directory's
    Root folder."""
    world.grants.control_policy(label)


def _refusal(world: World) -> Refusal:
    outcome = world.outcome.last
    if not isinstance(outcome, Refusal):
        raise SpecViolation(f"there is no refusal to examine: the request was {outcome}")
    return outcome


@then(parsers.parse("the refusal was decided by {layer}"))
def decided_by(world: World, layer: str) -> None:
    """The refusal came from this layer of RAM's evaluation (its `PolicyType`)."""
    expected = LAYERS.get(layer)
    if expected is None:
        raise HarnessError(f"unknown kind of policy `{layer}`: say {', '.join(LAYERS)}")
    refusal = _refusal(world)
    found = (refusal.access_denied_detail or {}).get("PolicyType")
    if found is None:
        raise HarnessError(
            "the refusal carries no AccessDeniedDetail (assumption A4): which policy refused "
            "cannot be told from the answer"
        )
    if found != expected:
        raise SpecViolation(f"the refusal was decided by `{found}`, not `{expected}`: {refusal}")


def _ram_name(world: World, policy: str) -> str:
    """The RAM name of the policy document `policy` labels (`commandUserPolicy.side-doors-closed`
    is `commandUserPolicy` in RAM: a scenario attaches one variant, so the name tells it), or
    `policy` itself where no document has that label (a control policy, named by its id)."""
    try:
        return world.workshop.policies.resolve(policy).ram_name
    except HarnessError:
        return policy


@then(parsers.parse('the decoded refusal names the policy "{policy}"'))
def decoded_names(world: World, policy: str) -> None:
    """The refusal's diagnostic message, decoded by DecodeDiagnosticMessage, names this policy."""
    refusal = _refusal(world)
    encoded = (refusal.access_denied_detail or {}).get("EncodedDiagnosticMessage")
    if not isinstance(encoded, str):
        raise HarnessError("the refusal carries no EncodedDiagnosticMessage to decode")
    decoded = world.grants.decode(encoded)
    wanted = world.grants.identifiers.get(policy) or world.cloud_name(_ram_name(world, policy))
    matched = decoded.get("MatchedPolicies") or []
    names = [str(m.get("PolicyIdentifier")) for m in matched]
    if wanted not in names and policy not in names:
        raise SpecViolation(
            f"the decoded refusal names {', '.join(f'`{n}`' for n in names) or 'no policy'}, "
            f"not `{policy}`: {decoded}"
        )
    by_the_expected_policy(world, refusal, {wanted, policy})
