"""Steps about the guide's Windows setup: the instance and its users' passwords, the encrypted
parameter that holds a password, and the instance RAM role that may read it."""

from __future__ import annotations

from pytest_bdd import given, parsers

from harness.world import World
from steps import quoted


@given(parsers.re(r"a Windows instance with the regular users? (?P<users>.+)"))
def a_windows_instance(world: World, users: str) -> None:
    """The Windows instance under test, with these regular users beside Administrator and
    System (live: the one given by --windows-instance, checked)."""
    world.add_instance("Windows", quoted(users))


@given(
    parsers.re(
        r'the password of "(?P<user>[^"]+)" is kept in the encrypted parameter "(?P<name>[^"]+)" '
        r"in (?:the instance's region|the region \"(?P<region>[^\"]+)\")"
    )
)
def a_password_parameter(world: World, user: str, name: str, region: str | None) -> None:
    """An OOS encrypted parameter holds the user's logon password, in the instance's region or in
    another one."""
    world.provisioner.password_parameter(name, user, region or world.settings.region, wrong=False)


@given(parsers.parse('the encrypted parameter "{name}" holds a wrong password for "{user}"'))
def a_wrong_password_parameter(world: World, name: str, user: str) -> None:
    """An OOS encrypted parameter holds a password that is not the user's."""
    world.provisioner.password_parameter(name, user, world.settings.region, wrong=True)


@given(parsers.parse('the instance has the RAM role "{role}" with the policy "{policy}"'))
def an_instance_role(world: World, role: str, policy: str) -> None:
    """The Windows instance has this RAM role, trusted by ECS (`<role>.trust.json`), with this
    policy attached."""
    world.provisioner.instance_role(role, policy, world.instance("Windows"), world.settings.region)
