"""Steps about a fleet: every instance with a tag, checked at once (harness/fleet). On the fake
the backend generates the fleet; on a real account the instances are the account's own,
selected by tag, and the Given creates nothing."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, then, when

from harness.errors import HarnessError, SpecViolation
from harness.fleet.scene import FleetOptions, FleetScene, fleet_check, generate
from harness.fleet.selection import Selector, parse_tag
from harness.fleet.verdicts import FleetResult, InstanceVerdict
from harness.plugin.fleet import FLEET_RESULT
from harness.world import World
from steps import quoted

SHOWN = 5


@given(
    parsers.re(
        r'the Linux instances tagged "(?P<tag>[^"]+)", each with the regular users (?P<users>.+) '
        r"\(the fake generates (?P<count>[^)]+)\)"
    ),
    target_fixture="fleet",
)
def tagged_fleet(world: World, tag: str, users: str, count: str) -> FleetScene:
    """Every Linux instance with this tag (`key=value`), each with these regular users; on the
    fake the backend generates that many, on a real account they are its own, found by tag."""
    key, value = parse_tag(tag)
    names = tuple(quoted(users))
    if not count.strip().isdigit():
        raise HarnessError(f"`{count}` is not a number of instances: write it like 1000")
    made = generate(world.backend, int(count), {key: value}, names)
    return FleetScene(tags={key: value}, users=names, generated=made)


@when(parsers.parse('{principal} verifies every instance tagged "{tag}"'))
def verify_fleet(
    world: World, fleet: FleetScene, principal: str, tag: str, request: pytest.FixtureRequest
) -> None:
    """The principal checks every fit instance with the tag: each approved user runs as itself
    and cannot sudo, each user that must be refused is refused (one verdict per instance)."""
    options = request.getfixturevalue("fleet_options")
    assert isinstance(options, FleetOptions)
    check = fleet_check(
        world.settings,
        world.account,
        world.gateway,
        world.principal(principal),
        fleet.users,
        options,
    )
    fleet.result = check.run(Selector(tags=(parse_tag(tag),)))
    request.node.stash[FLEET_RESULT] = fleet.result
    if not fleet.result.instances:
        raise HarnessError(
            f"no instance is tagged `{tag}` in {world.settings.region}: tag the instances to "
            "verify, or run the fleet feature on the fake"
        )


def _result(fleet: FleetScene) -> FleetResult:
    if fleet.result is None:
        raise HarnessError(
            'no fleet was verified: add `When commandUser verifies every instance tagged "..."`'
        )
    return fleet.result


def _violation(what: str, bad: list[InstanceVerdict], checks: list[str]) -> SpecViolation:
    shown = "; ".join(
        f"{i.instance_id}: "
        + ", ".join(
            f"{c} {i.checks.get(c, 'not checked')}" for c in checks if i.marks.get(c) != "verified"
        )
        for i in bad[:SHOWN]
    )
    more = f" (and {len(bad) - SHOWN} more)" if len(bad) > SHOWN else ""
    return SpecViolation(f"{len(bad)} instance(s) {what}: {shown}{more}")


def _failing(fleet: FleetScene, checks: list[str]) -> list[InstanceVerdict]:
    return [
        i for i in _result(fleet).instances if any(i.marks.get(c) != "verified" for c in checks)
    ]


@then("on every instance each approved user ran as itself")
def approved_ran(fleet: FleetScene) -> None:
    """On every instance of the fleet, each approved user's run printed that user's name."""
    checks = list(fleet.users)
    bad = _failing(fleet, checks)
    if bad:
        raise _violation("did not run each approved user as itself", bad, checks)


@then("on every instance each user that must be refused was refused")
def refused_everywhere(world: World, fleet: FleetScene) -> None:
    """On every instance, RAM refused each user in the refused-users setting; any it accepted
    is named as an exposure."""
    result = _result(fleet)
    checks = list(result.refused)
    bad = _failing(fleet, checks)
    exposed = [i for i in bad if i.verdict == "exposed"]
    if exposed:
        raise world.outcome.expose(
            str(_violation("let a name that must be refused run", exposed, checks))
        )
    if bad:
        raise _violation("could not be checked for refusals", bad, checks)


@then("on no instance can an approved user become root")
def nobody_sudoes(fleet: FleetScene) -> None:
    """As each approved user, `sudo -n true` failed with sudo's own words, `sudo -n -l` listed
    no NOPASSWD rule, and `id -Gn` named no group that administers the instance."""
    checks = [f"{user} privilege" for user in fleet.users]
    bad = _failing(fleet, checks)
    if bad:
        raise _violation("let an approved user become root", bad, checks)


@then("no instance of the fleet was left out")
def none_left_out(fleet: FleetScene) -> None:
    """Every instance with the tag was checked: none was left out as unfit or unreachable, and
    on the fake every generated instance was among them."""
    result = _result(fleet)
    left_out = [i for i in result.instances if "selection" in i.marks]
    if left_out:
        raise _violation("were left out", left_out, ["selection"])
    missing = sorted(set(fleet.generated) - {i.instance_id for i in result.instances})
    if missing:
        raise SpecViolation(
            f"{len(missing)} generated instance(s) were not selected: {', '.join(missing[:SHOWN])}"
        )
