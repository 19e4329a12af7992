"""Steps about RAM identities and the policies attached to them."""

from __future__ import annotations

from pytest_bdd import given, parsers

from harness.world import World
from steps import quoted


@given(parsers.re(r'the RAM user "(?P<name>[^"]+)" with the polic(?:y|ies) (?P<policies>.+)'))
def a_ram_user(world: World, name: str, policies: str) -> None:
    """A RAM user with these policies attached, by the names in features/policies or Alibaba's
    system policies, and an AccessKey (verify mode: the given commandUser, checked)."""
    labels = quoted(policies)
    world.scene.attached[name] = tuple(labels)  # named even when the cloud refuses to make it
    world.scene.principals[name] = world.provisioner.create_user(name, labels)
