"""Steps about privilege on the instance itself: who can sudo, who is in which group, how many
accounts are root, and run-as names made to look like root. They run real commands (`sudo -n
true`, `sudo -n -l`, `id -Gn`, `cat /etc/passwd`) and read their real output, so they work
unchanged against a real instance; a command the instance does not have proves nothing and fails
the check."""

from __future__ import annotations

import re

from pytest_bdd import given, parsers, then, when

from harness.admin_groups import ADMIN_GROUPS
from harness.cloud_assistant import CommandRunner, InstanceResult
from harness.errors import HarnessError, SpecViolation
from harness.refusals import helper_refused
from harness.sdk.gateway import Refusal
from harness.world import Started, World
from steps.commands import SCRIPT_TYPES, refused_for_the_right_reason, start_run

CHECKER = "commandUser"


def _result(world: World, runner: CommandRunner, os: str, script: str, user: str) -> InstanceResult:
    instance_id = world.instance(os)
    try:
        invoke_id = runner.run(instance_id, script, username=user, script_type=SCRIPT_TYPES[os])
    except Refusal as refusal:
        raise SpecViolation(
            f"cannot check as `{user}`: running `{script}` was refused: {refusal}"
        ) from None
    result = runner.wait(invoke_id, instance_id)
    if result.error_code and result.error_code != "ExitCodeNonzero":
        raise SpecViolation(
            f"cannot check as `{user}`: `{script}` ended {result.status} with "
            f"`{result.error_code}` before it ran"
        )
    if result.exit_code == 127:
        raise HarnessError(
            f"`{script.split()[0]}` is not on the instance (exit 127): the check proves nothing"
        )
    return result


@given(parsers.parse("Session Manager has been used on the {os} instance"))
def session_manager_used(world: World, os: str) -> None:
    """The administrator opens and closes a session with no user, as a console login does: the
    agent then creates `ecs-assist-user` (assumption A40)."""
    doors = world.side_doors("the administrator")
    session = doors.start_session(world.instance(os))
    doors.end_session(session.session_id)


@then(parsers.parse('"{user}" cannot use sudo without a password on the {os} instance'))
def cannot_sudo(world: World, user: str, os: str) -> None:
    """As the user, `sudo -n true` fails and `sudo -n -l` lists no NOPASSWD rule: no
    passwordless sudo, not even for one command (checked on the instance, real output)."""
    runner = world.runner(CHECKER)
    result = _result(world, runner, os, "sudo -n true", user)
    if result.exit_code == 0:
        raise SpecViolation(f"`{user}` ran `sudo -n true`: it is root without a password")
    _said_by_sudo(result, user, "sudo -n true")
    listed = _result(world, runner, os, "sudo -n -l", user)
    if listed.exit_code != 0:
        _said_by_sudo(listed, user, "sudo -n -l")
        return
    passwordless = [line.strip() for line in listed.output.splitlines() if "NOPASSWD" in line]
    if passwordless:
        raise SpecViolation(
            f"`sudo -n -l` as `{user}` lists `{'`, `'.join(passwordless)}`: it runs that as "
            "root without a password"
        )


def _said_by_sudo(result: InstanceResult, user: str, script: str) -> None:
    """A failed sudo that says nothing of sudo proves nothing (a shell without sudo, say)."""
    if "sudo" not in result.output:
        raise HarnessError(
            f"`{script}` as `{user}` failed without a word from sudo (exit "
            f"{result.exit_code}, `{result.output.strip()}`): that proves nothing"
        )


@then(parsers.parse('"{user}" is in no group that administers the {os} instance'))
def in_no_admin_group(world: World, user: str, os: str) -> None:
    """As the user, `id -Gn` names none of sudo, wheel, admin, docker, lxd, disk."""
    result = _result(world, world.runner(CHECKER), os, "id -Gn", user)
    groups = result.output.split()
    if result.exit_code != 0 or not groups:
        raise HarnessError(f"`id -Gn` as `{user}` printed `{result.output.strip()}`")
    admin = sorted(ADMIN_GROUPS & set(groups))
    if admin:
        raise SpecViolation(f"`{user}` is in {', '.join(admin)}: root by another name")


@then(parsers.parse("the {os} instance has exactly one account with uid 0"))
def one_root_account(world: World, os: str) -> None:
    """`/etc/passwd` on the instance has one account with uid 0."""
    result = _result(world, world.runner(CHECKER), os, "cat /etc/passwd", "user01")
    lines = [line.split(":") for line in result.output.splitlines() if line.count(":") >= 6]
    if not any(parts[0] == "root" for parts in lines):
        raise HarnessError("`cat /etc/passwd` printed no root line: it is not the passwd file")
    root = [parts[0] for parts in lines if parts[2] == "0"]
    if root != ["root"]:
        raise SpecViolation(f"the accounts with uid 0 are {', '.join(root)}: root by another name")


@then(parsers.parse('"{user}" can use sudo without a password on the {os} instance'))
def can_sudo(world: World, user: str, os: str) -> None:
    """The proof of a finding: the administrator runs `sudo -n whoami` as the user."""
    result = _result(world, world.observer(), os, "sudo -n whoami", user)
    if result.exit_code != 0 or result.output.strip() != "root":
        raise SpecViolation(
            f"`sudo -n whoami` as `{user}` ended with exit {result.exit_code}: "
            f"`{result.output.strip()}`, so `{user}` is not root"
        )


# ---- names made to look like root ------------------------------------------------------------


_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\t")


def written(text: str) -> str:
    """A name as the spec writes it: `\\uXXXX` and `\\t` escapes, so no invisible character
    hides in a feature file; any other backslash is itself (`.\\System`)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else "\t", text)


@when(
    parsers.parse('{principal} runs "{script}" on the {os} instance as the name written "{name}"')
)
def run_as_written(world: World, principal: str, script: str, os: str, name: str) -> None:
    """RunCommand as a name written with escapes (white space, zero-width, homoglyphs)."""
    start_run(world, principal, os, script, written(name))


@when(
    parsers.parse(
        '{principal} runs "{script}" on the {os} instance as the name written "{name}" with the '
        'password in "{parameter}"'
    )
)
def run_as_written_with_password(
    world: World, principal: str, script: str, os: str, name: str, parameter: str
) -> None:
    """The same on Windows, naming the parameter that holds the password."""
    start_run(world, principal, os, script, written(name), parameter)


@then("it is refused, or it fails on the instance, and it never runs as root or System")
def never_root(world: World) -> None:
    """RAM refused the request (`Forbidden.RAM`, for the run-as rule) or it failed on the
    instance, and nothing ran as root or System; any other refusal fails the step."""
    outcome = world.outcome.last
    if isinstance(outcome, Refusal):
        refused_for_the_right_reason(world, outcome, "Forbidden.RAM")
        return
    if not isinstance(outcome, Started):
        raise SpecViolation(f"nothing was asked of the cloud: {outcome}")
    try:
        result = outcome.final()
    except Refusal as refusal:
        raise SpecViolation(helper_refused(refusal, None)) from None
    who = result.output.strip().lower()
    if who in ("root", "nt authority\\system") or who.endswith("\\administrator"):
        raise SpecViolation(
            f"the name `{outcome.username!r}` passed RAM and ran as `{who}`: root got in"
        )
    if result.status == "Success":
        raise SpecViolation(
            f"the name `{outcome.username!r}` passed RAM and ran as `{who}`: the spec expects "
            "it to fail on the instance"
        )


@then(parsers.parse('RAM accepted it, and the instance tried it as the Windows user "{user}"'))
def tried_as(world: World, user: str) -> None:
    """RAM let the run through, and the agent logged on (or tried to) as `user`: it either ran
    as that user, or failed on the password, never on RAM or a missing account."""
    outcome = world.outcome.last
    if not isinstance(outcome, Started):
        raise SpecViolation(f"RAM did not let the run through: {outcome}")
    result = outcome.final()
    if result.username.lower() != user.lower():
        raise SpecViolation(f"the instance tried it as `{result.username}`, not `{user}`")
    if result.error_code not in ("", "UserOrPasswordInvalid"):
        raise SpecViolation(
            f"the run as `{user}` ended {result.status} with `{result.error_code}`: the "
            "instance did not get as far as the logon"
        )
