"""Steps about the side doors: calls that act on an instance as root without naming a run-as
user (SendFile, Session Manager, periodic tasks, containers, the instance's root password and
user data)."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from pytest_bdd import given, parsers, then, when

from harness.errors import SpecViolation
from harness.sdk.gateway import Refusal
from harness.side_doors import Accepted, ssh_public_key
from harness.world import Started, World

#: A sudoers rule, as a file in /etc/sudoers.d/ holds it.
SUDOERS_RULE = "{user} ALL=(ALL) NOPASSWD:ALL\n"


def _try(world: World, action: str, os: str, call: Callable[[], str | None]) -> None:
    """Make one side-door call and record what came of it (the id it made, if any)."""
    try:
        resource_id = call() or ""
    except Refusal as refusal:
        world.record(refusal)
        return
    world.record(Accepted(action, world.instance(os), resource_id))


def _accepted(world: World) -> Accepted:
    outcome = world.outcome.last
    if isinstance(outcome, Refusal):
        raise SpecViolation(f"the request was refused, so the door is shut: {outcome}")
    if not isinstance(outcome, Accepted):
        raise SpecViolation(f"no side-door request was made: {outcome}")
    return outcome


@when(
    parsers.parse(
        '{principal} sends a file into "{directory}" on the {os} instance that gives "{user}" '
        "passwordless sudo"
    )
)
def sends_sudoers_file(world: World, principal: str, directory: str, os: str, user: str) -> None:
    """SendFile of a root-owned sudoers rule for the user into the folder on the instance."""
    world.changes_instance("writes a sudoers file")
    doors = world.side_doors(principal)
    path = f"{directory.rstrip('/')}/{user}-runas-spec"
    content = SUDOERS_RULE.format(user=user)
    _try(world, "SendFile", os, lambda: doors.send_file(world.instance(os), path, content))


@then("the file is written")
def file_written(world: World) -> None:
    """The side door was accepted and the file is on the instance."""
    accepted = _accepted(world)
    status = world.side_doors("the administrator").file_result(
        accepted.resource_id, accepted.instance_id
    )
    if status != "Success":
        raise SpecViolation(f"the file was not written: {status}")


@when(parsers.parse("{principal} opens a Session Manager shell on the {os} instance"))
def opens_session(world: World, principal: str, os: str) -> None:
    """StartTerminalSession with no user: a Session Manager shell on the instance."""
    doors = world.side_doors(principal)
    _try(
        world,
        "StartTerminalSession",
        os,
        lambda: doors.start_session(world.instance(os)).session_id,
    )


@then(parsers.parse('the shell runs as "{user}"'))
def shell_runs_as(world: World, user: str) -> None:
    """The session's shell runs as this OS user."""
    accepted = _accepted(world)
    doors = world.side_doors("the administrator")
    found = doors.session_user(accepted.resource_id)
    doors.end_session(accepted.resource_id)
    if found != user:
        raise SpecViolation(f"the session runs as `{found or 'nobody named'}`, not `{user}`")


@given(
    parsers.parse(
        'the administrator has a task that runs "{script}" as root at every restart of the {os} '
        "instance"
    )
)
def a_root_reboot_task(world: World, script: str, os: str) -> None:
    """The administrator keeps a task that runs as root at every restart (RepeatMode
    EveryReboot)."""
    world.changes_instance("restarts the instance")
    doors = world.side_doors("the administrator")
    world.scene.tasks["root task"] = doors.schedule(world.instance(os), script, "EveryReboot")


@when(parsers.parse('{principal} changes that task to run "{script}"'))
def changes_task(world: World, principal: str, script: str) -> None:
    """ModifyInvocationAttribute gives that task a new script; it keeps running as root."""
    doors = world.side_doors(principal)
    invoke_id = world.scene.tasks["root task"]

    def modify() -> str:
        doors.modify_task(invoke_id, script)
        return invoke_id

    _try(world, "ModifyInvocationAttribute", "Linux", modify)


@then(parsers.parse('at the next restart of the {os} instance the task prints "{expected}"'))
def next_restart_prints(world: World, os: str, expected: str) -> None:
    """After RebootInstance, the task's output on the instance."""
    _accepted(world)
    instance_id = world.instance(os)
    world.side_doors("the administrator").reboot(instance_id)
    result = world.observer().wait(world.scene.tasks["root task"], instance_id)
    if result.output.strip() != expected:
        raise SpecViolation(
            f"the task's run after the restart printed `{result.output.strip()}`, not "
            f"`{expected}` ({result.status})"
        )


@given(parsers.parse('the administrator tags the {os} instance "{key}" with "{value}"'))
def tags_instance(world: World, os: str, key: str, value: str) -> None:
    """TagResources: the administrator marks the instance (here, as one that hosts
    containers), which RAM then sees as `acs:ResourceTag/<key>`."""
    world.changes_instance("tags the instance")
    world.side_doors("the administrator").tag(world.instance(os), key, value)


@when(
    parsers.parse(
        '{principal} runs "{script}" on the {os} instance as "{user}" in the container "{name}"'
    )
)
def runs_in_container(
    world: World, principal: str, script: str, os: str, user: str, name: str
) -> None:
    """RunCommand in a container (ContainerName), naming a run-as user that does not take
    effect."""
    world.changes_instance("needs a container on the instance")
    doors = world.side_doors(principal)
    runner = world.runner(principal)
    instance_id = world.instance(os)
    try:
        invoke_id = doors.run_in_container(instance_id, script, name, username=user)
    except Refusal as refusal:
        world.record(refusal)
        return
    world.record(Started(runner, invoke_id, instance_id, user))


@when(parsers.parse("{principal} sets a new root password on the {os} instance"))
def sets_root_password(world: World, principal: str, os: str) -> None:
    """ModifyInstanceAttribute with a new Password: root's (Linux) or Administrator's."""
    world.changes_instance("sets the root password")
    doors = world.side_doors(principal)

    def set_password() -> str:
        doors.set_password(world.instance(os), "Rs1!" + secrets.token_urlsafe(12))
        return ""

    _try(world, "ModifyInstanceAttribute", os, set_password)


def _restarted(world: World, os: str) -> str:
    """The side door was accepted; the administrator restarts the instance (RebootInstance)."""
    _accepted(world)
    instance_id = world.instance(os)
    world.side_doors("the administrator").reboot(instance_id)
    return instance_id


def _as_root(world: World, instance_id: str, script: str) -> str:
    """What a script prints when the administrator runs it as root on the instance."""
    observer = world.observer()
    result = observer.wait(observer.run(instance_id, script, username="root"), instance_id)
    if result.status != "Success":
        raise SpecViolation(f"`{script}` as root did not run: {result.status}")
    return result.output


def _shadow_digest(world: World, instance_id: str) -> str:
    """The SHA-256 of /etc/shadow, read as root: the password hashes stay on the instance."""
    words = _as_root(world, instance_id, "sha256sum /etc/shadow").split()
    if len(words) != 2 or len(words[0]) != 64:
        raise SpecViolation(f"sha256sum printed no digest of /etc/shadow ({len(words)} words)")
    return words[0]


@then(
    parsers.parse(
        "after the next restart of the {os} instance root's password hash in the shadow file, "
        "read as root, has changed, so root's password is commandUser's to choose"
    )
)
def shadow_changed(world: World, os: str) -> None:
    """The password change was accepted; /etc/shadow (root's password hash) is the same until
    RebootInstance and differs after it (digests compared, never the hash)."""
    _accepted(world)
    instance_id = world.instance(os)
    before = _shadow_digest(world, instance_id)
    world.side_doors("the administrator").reboot(instance_id)
    if _shadow_digest(world, instance_id) == before:
        raise SpecViolation("after the restart /etc/shadow is as it was: the password is not set")


#: The user data script commandUser sets: a marker line, then who runs it.
USER_DATA = "#!/bin/sh\necho {marker}\nwhoami\n"
USER_DATA_MARKER = "user data of commandUser"
#: Where cloud-init appends what user data printed (its `output` setting).
CLOUD_INIT_OUTPUT = "/var/log/cloud-init-output.log"


@when(parsers.parse("{principal} sets the user data of the {os} instance to a script"))
def sets_user_data(world: World, principal: str, os: str) -> None:
    """ModifyInstanceAttribute with UserData: a script that prints a marker, then `whoami`."""
    world.changes_instance("sets the instance's user data")
    doors = world.side_doors(principal)
    script = USER_DATA.format(marker=USER_DATA_MARKER)
    _try(
        world,
        "ModifyInstanceAttribute",
        os,
        lambda: doors.set_user_data(world.instance(os), script),
    )


@then(
    parsers.parse(
        'after the next restart of the {os} instance the script has printed "{user}" in the '
        "cloud-init output log, so commandUser's script ran as root"
    )
)
def user_data_ran_as(world: World, os: str, user: str) -> None:
    """The user data was accepted; after RebootInstance, the line after the script's marker in
    cloud-init's output log (read as root) is `whoami`'s."""
    instance_id = _restarted(world, os)
    log = _as_root(world, instance_id, f"cat {CLOUD_INIT_OUTPUT}")
    lines = [line.strip() for line in log.splitlines()]
    if USER_DATA_MARKER not in lines:
        raise SpecViolation(
            "after the restart the cloud-init output log shows no run of the script"
        )
    last_marker = len(lines) - 1 - lines[::-1].index(USER_DATA_MARKER)
    found = lines[last_marker + 1 : last_marker + 2]
    if found != [user]:
        raise SpecViolation(f"the script ran as `{found[0] if found else 'nobody'}`, not `{user}`")


@when(parsers.parse('{principal} attaches the RAM role "{role}" to the {os} instance'))
def attaches_role(world: World, principal: str, role: str, os: str) -> None:
    """AttachInstanceRamRole of a role to the instance (the attachment goes in the ledger)."""
    doors = world.side_doors(principal)

    def attach() -> str:
        doors.attach_role(world.instance(os), world.cloud_name(role))
        return ""

    _try(world, "AttachInstanceRamRole", os, attach)


@given(parsers.parse('the SSH key pair "{name}" holding a public key of {principal}\'s'))
def a_key_pair(world: World, name: str, principal: str) -> None:
    """The administrator has imported a fresh public key of the principal's as this key pair
    (ImportKeyPair); only against a fake, since binding it changes root's SSH key."""
    world.changes_instance("puts an SSH key on root")
    public_key = ssh_public_key(name, principal)
    world.side_doors("the administrator").import_key_pair(world.cloud_name(name), public_key)
    world.scene.key_pairs[name] = public_key


@when(parsers.parse('{principal} attaches the SSH key pair "{name}" to the {os} instance'))
def attaches_key_pair(world: World, principal: str, name: str, os: str) -> None:
    """AttachKeyPair of the key pair to the instance."""
    world.changes_instance("puts an SSH key on root")
    doors = world.side_doors(principal)

    def attach() -> str:
        doors.attach_key_pair(world.instance(os), world.cloud_name(name))
        return ""

    _try(world, "AttachKeyPair", os, attach)


@then(
    parsers.parse(
        "after the next restart of the {os} instance root's SSH key is the public key of "
        '"{name}", so its holder logs on as root'
    )
)
def roots_ssh_key_is(world: World, os: str, name: str) -> None:
    """The attach was accepted; after RebootInstance, root's authorized_keys holds the key
    pair's public key (read as root by the administrator)."""
    instance_id = _restarted(world, os)
    keys = _as_root(world, instance_id, "cat /root/.ssh/authorized_keys")
    held = [line.strip() for line in keys.splitlines() if line.strip()]
    if world.scene.key_pairs[name] not in held:
        raise SpecViolation(
            f"after the restart root's authorized keys do not hold `{name}` ({len(held)} keys)"
        )
