"""Steps about ECS instances: which exist, who is on them, what the caller can see."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.errors import SpecViolation
from harness.sdk.gateway import Refusal
from harness.world import World
from steps import quoted


@given(
    parsers.re(
        r"a (?P<os>Linux) instance with the regular users? (?P<users>.+?)"
        r'(?:, running the container "(?P<container>[^"]+)" as "(?P<container_user>[^"]+)")?'
    )
)
def an_instance(
    world: World, os: str, users: str, container: str | None, container_user: str | None
) -> None:
    """The Linux instance under test, with these regular OS users beside root, and the container
    whose default user is named (live: the one given by --linux-instance, checked)."""
    containers = {container: container_user} if container and container_user else None
    world.add_instance(os, quoted(users), containers)


@when(parsers.parse("{principal} lists the ECS instances"))
def list_instances(world: World, principal: str) -> None:
    """The principal asks ECS for the instances it can see (DescribeInstances); a refusal is kept as
    the outcome."""
    try:
        world.outcome.listed_instances = world.runner(principal).list_instances()
    except Refusal as refusal:
        world.record(refusal)


@then(parsers.parse("the {os} instance is among them"))
def instance_is_listed(world: World, os: str) -> None:
    """The instance of that OS was in the last listing, and the listing was not refused."""
    instance_id = world.instance(os)
    if isinstance(world.outcome.last, Refusal):
        raise SpecViolation(f"listing the instances was refused: {world.outcome.last}")
    listed = world.outcome.listed_instances or []
    if instance_id not in listed:
        raise SpecViolation(
            f"the {os} instance `{instance_id}` is not in the list: {', '.join(listed) or 'none'}"
        )
