"""Steps about instance RAM roles as a way up: the administrator's role, handing it to an
instance, and a regular user on the instance reading its credentials from the metadata service
and signing with them."""

from __future__ import annotations

import json

from pytest_bdd import given, parsers, when

from harness.errors import HarnessError, SpecViolation
from harness.metadata import RoleCredentials, fetch_script
from harness.sdk.gateway import Refusal
from harness.side_doors import Accepted
from harness.world import Started, World

ECS_SERVICE = "ecs.aliyuncs.com"


def _trusts_ecs(document: str) -> bool:
    """Whether a trust policy lets ECS assume the role (a `Service` principal naming it)."""
    statements = json.loads(document).get("Statement", [])
    for statement in statements if isinstance(statements, list) else []:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        services = [services] if isinstance(services, str) else services
        if statement.get("Effect") == "Allow" and ECS_SERVICE in services:
            return True
    return False


@given(
    parsers.parse(
        'the administrator\'s RAM role "{role}", trusted by ECS, with the policy "{policy}"'
    )
)
def an_administrators_role(world: World, role: str, policy: str) -> None:
    """The administrator has made a RAM role that ECS may assume (`<role>.trust.json`) with this
    policy, on no instance yet (verify mode: skipped, it needs the administrator)."""
    if not _trusts_ecs(world.settings.library.trust_document(role)):
        raise HarnessError(f"`{role}.trust.json` does not trust `{ECS_SERVICE}`: fix the file")
    world.provisioner.role(role, [policy])


@given(parsers.parse('{principal} has attached the RAM role "{role}" to the {os} instance'))
def has_attached_role(world: World, principal: str, role: str, os: str) -> None:
    """AttachInstanceRamRole of the role to the instance was accepted; a refusal fails the
    scenario."""
    try:
        world.side_doors(principal).attach_role(world.instance(os), world.cloud_name(role))
    except Refusal as refusal:
        raise SpecViolation(f"{principal} could not attach the role `{role}`: {refusal}") from None
    world.record(Accepted("AttachInstanceRamRole", world.instance(os), ""))


def _read_credentials(world: World, principal: str, role: str, os: str, user: str) -> None:
    if isinstance(world.outcome.last, Refusal):
        raise SpecViolation(
            f"the instance holds no role to read, the attachment was refused: {world.outcome.last}"
        )
    runner = world.runner(principal)
    instance_id = world.instance(os)
    name = world.cloud_name(role)
    try:
        invoke_id = runner.run(instance_id, fetch_script(name), username=user)
    except Refusal as refusal:
        raise SpecViolation(f"{principal} may not run a command as `{user}`: {refusal}") from None
    result = runner.wait(invoke_id, instance_id)
    if result.status != "Success":
        said = result.output if "AccessKeySecret" not in result.output else "(withheld)"
        raise SpecViolation(
            f"reading the metadata service as `{user}` ended `{result.status}` (error "
            f"`{result.error_code or 'none'}`): output `{said.strip()[:200]}`"
        )
    credentials = RoleCredentials.parse(name, result.output)
    world.scene.principals[role] = credentials.principal(role)
    world.record(Started(runner, invoke_id, instance_id, user, credentials.masked(result)))


@given(
    parsers.parse(
        '{principal} has read the credentials of "{role}" from the metadata service of the {os} '
        'instance as "{user}"'
    )
)
@when(
    parsers.parse(
        '{principal} reads the credentials of "{role}" from the metadata service of the {os} '
        'instance as "{user}"'
    )
)
def reads_role_credentials(world: World, principal: str, role: str, os: str, user: str) -> None:
    """The principal runs `curl` of the instance metadata service as this OS user and gets the
    instance role's temporary credentials; from then on the role's name signs with them (their
    secret and token never shown). A refusal or a failed run fails the scenario."""
    _read_credentials(world, principal, role, os, user)
