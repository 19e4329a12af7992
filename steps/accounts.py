"""Steps about RAM identities and the policies attached to them."""

from __future__ import annotations

from pytest_bdd import given, parsers

from harness.world import World
from steps import quoted


@given(parsers.re(r'the RAM user "(?P<name>[^"]+)" with the polic(?:y|ies) (?P<policies>.+)'))
def a_ram_user(world: World, name: str, policies: str) -> None:
    world.scene.policies[name] = quoted(policies)
    world.scene.principals[name] = world.provisioner.create_user(name, quoted(policies))
