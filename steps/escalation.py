"""Steps about commandUser widening its own rights through RAM."""

from __future__ import annotations

from collections.abc import Callable

from pytest_bdd import given, parsers, when

from harness.sdk.gateway import Refusal
from harness.world import World


def _attempt(world: World, act: Callable[[], object]) -> None:
    """Try `act`; a refusal is the outcome the Then steps examine."""
    try:
        act()
    except Refusal as refusal:
        world.record(refusal)


@given(parsers.parse('the group "{group}" with the policy "{policy}"'))
def a_group(world: World, group: str, policy: str) -> None:
    """A RAM group with one policy attached."""
    world.grants.group(group, [policy], None)


@given(parsers.parse('{user} has attached the policy "{policy}" to itself'))
def attached_to_itself(world: World, user: str, policy: str) -> None:
    """commandUser has used AttachPolicyToUser on itself, with this policy."""
    world.escalation(user).attach_to_itself(policy)


@when(parsers.parse('{user} tries to attach the policy "{policy}" to itself'))
def tries_to_attach(world: World, user: str, policy: str) -> None:
    """commandUser tries AttachPolicyToUser on itself; a refusal is kept for the Then steps."""
    _attempt(world, lambda: world.escalation(user).attach_to_itself(policy))


@given(parsers.parse('{user} has added itself to the group "{group}"'))
def joined(world: World, user: str, group: str) -> None:
    """commandUser has used AddUserToGroup to join the group."""
    world.escalation(user).join(group)


@when(parsers.parse('{user} tries to add itself to the group "{group}"'))
def tries_to_join(world: World, user: str, group: str) -> None:
    """commandUser tries AddUserToGroup on itself; a refusal is kept for the Then steps."""
    _attempt(world, lambda: world.escalation(user).join(group))


@given(
    parsers.parse(
        '{user} has made the document of "{label}" the default version of its policy "{policy}"'
    )
)
def rewrote(world: World, user: str, label: str, policy: str) -> None:
    """commandUser has made a new default version of its own policy (CreatePolicyVersion)."""
    world.escalation(user).rewrite(policy, label)


@when(parsers.parse('{user} tries to make "{label}" the default version of its policy "{policy}"'))
def tries_to_rewrite(world: World, user: str, label: str, policy: str) -> None:
    """commandUser tries CreatePolicyVersion on its own policy; a refusal is kept."""
    _attempt(world, lambda: world.escalation(user).rewrite(policy, label))


@given(parsers.parse("{user} has created an AccessKey of {other} for itself"))
def took_a_key(world: World, user: str, other: str) -> None:
    """commandUser has created an AccessKey of another RAM user, and now signs as that user."""
    world.scene.principals[other] = world.escalation(user).key_of(other)


@when(parsers.parse("{user} tries to create an AccessKey of {other}"))
def tries_to_take_a_key(world: World, user: str, other: str) -> None:
    """commandUser tries CreateAccessKey for another RAM user; a refusal is kept."""

    def take() -> None:
        world.scene.principals[other] = world.escalation(user).key_of(other)

    _attempt(world, take)
