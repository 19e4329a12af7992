"""Steps that prove, for every run-as name at once, what the policies a scenario attached to
commandUser let it run as (harness/prove): no sampling, and no call to the cloud."""

from __future__ import annotations

from pytest_bdd import parsers, then

from harness.prove import spec
from harness.prove.encode import Policies
from harness.world import World
from steps import quoted


def _policies(world: World, principal: str = "commandUser") -> Policies:
    labels = spec.labels_of(world.scene.attached, principal)
    return spec.attached_policies(labels, world.settings.library)


@then("no user name that is root or system can be run as")
def no_root_or_system(world: World) -> None:
    """Proved over every spelling: every name that is root or system in some letter case."""
    spec.no_forbidden_name_runs(_policies(world))


@then(parsers.re(r"the only names commandUser can run as are (?P<names>.+)"))
def only_names(world: World, names: str) -> None:
    """Proved over every name: RAM lets commandUser run as these names and as no other."""
    spec.only_these_names_run(_policies(world), quoted(names))


@then(parsers.re(r'commandUser can run as "(?P<name>[^"]+)", a passwordless sudoer(?P<where>.*)'))
def runs_as_sudoer(world: World, name: str, where: str) -> None:
    """A finding, proved: RAM lets the name through, and on the instance it is root by sudo."""
    spec.this_name_runs(_policies(world), name)
