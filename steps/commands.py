"""Steps about Cloud Assistant commands: running them as someone, and what came of it."""

from __future__ import annotations

from collections.abc import Collection
from typing import NoReturn

from pytest_bdd import given, parsers, then, when

from harness.cloud_assistant import InstanceResult
from harness.errors import HarnessError, SpecViolation
from harness.refusals import (
    DecodedRefusal,
    Reason,
    decode,
    decoded_of,
    encoded_of,
    helper_refused,
    judge,
    keep,
    near_misses,
)
from harness.sdk.gateway import Refusal
from harness.side_doors import Accepted
from harness.world import Started, World

#: The script type a command is sent as, by the instance's OS.
SCRIPT_TYPES = {"Linux": "RunShellScript", "Windows": "RunPowerShellScript"}


def start_run(
    world: World,
    principal: str,
    os: str,
    script: str,
    user: str | None,
    password_parameter: str | None = None,
    *,
    user_key: str | None = None,
) -> None:
    runner = world.runner(principal)
    instance_id = world.instance(os)
    try:
        invoke_id = runner.run(
            instance_id,
            script,
            username=user,
            script_type=SCRIPT_TYPES[os],
            password_parameter=password_parameter,
        )
    except Refusal as refusal:
        _refused_on_the_way(world, refusal, "RunCommand")
        world.record(refusal, user_key)
        return
    world.record(Started(runner, invoke_id, instance_id, user), user_key)


def _refused_on_the_way(world: World, refusal: Refusal, meant: str) -> None:
    """A refusal of a call the harness made before `meant` (DescribeCommands to find a saved
    command) is no answer to the run-as question: it fails the step, never passes as one."""
    if refusal.action != meant:
        _on_its_own_account(world, refusal, before=meant)


def _on_its_own_account(world: World, refusal: Refusal, *, before: str = "") -> NoReturn:
    """Fail the step for a call the harness made on its own account: RAM's refusal in one
    line with its decoded reason; anything else (an outage, throttling past its retries) as
    the refusal's own line."""
    if encoded_of(refusal) is None and refusal.status != 403:
        raise refusal
    raise SpecViolation(helper_refused(refusal, _kept(world, refusal), before=before)) from None


def _kept(world: World, refusal: Refusal) -> DecodedRefusal | None:
    """The refusal decoded, and kept with it for the report."""
    decoded = _decoded(world, refusal)
    if decoded is not None:
        keep(refusal, decoded)
    return decoded


def _final(world: World, started: Started) -> InstanceResult:
    """What the run came to, read by the harness (DescribeInvocationResults); a refusal of
    that read fails the step in one line."""
    try:
        return started.final()
    except Refusal as refusal:
        _on_its_own_account(world, refusal)


def _invoke(
    world: World, principal: str, name: str, os: str, user: str | None, user_key: str | None = None
) -> None:
    runner = world.runner(principal)
    instance_id = world.instance(os)
    try:
        command_id = world.scene.saved_commands.get(name) or runner.find_saved(name)
        invoke_id = runner.invoke(command_id, instance_id, username=user)
    except Refusal as refusal:
        _refused_on_the_way(world, refusal, "InvokeCommand")
        world.record(refusal, user_key)
        return
    world.record(Started(runner, invoke_id, instance_id, user), user_key)


@given(parsers.parse('{principal} has run "{script}" on the {os} instance as "{user}"'))
@when(parsers.parse('{principal} runs "{script}" on the {os} instance as "{user}"'))
def run_as(world: World, principal: str, script: str, os: str, user: str) -> None:
    """The principal runs the script with RunCommand as that OS user; a refusal is kept as the
    outcome, for a Then step to judge."""
    start_run(world, principal, os, script, user)


@when(
    parsers.parse(
        '{principal} runs "{script}" on the {os} instance as "{user}" with the password in '
        '"{parameter}"'
    )
)
def run_as_with_password(
    world: World, principal: str, script: str, os: str, user: str, parameter: str
) -> None:
    """The same on Windows, naming the encrypted parameter that holds the user's password
    (WindowsPasswordName)."""
    start_run(world, principal, os, script, user, parameter)


@when(parsers.parse('{principal} runs "{script}" on the {os} instance without naming a user'))
def run_as_default(world: World, principal: str, script: str, os: str) -> None:
    """The principal runs the script with RunCommand naming no OS user, so the instance's default
    user would run it."""
    start_run(world, principal, os, script, None)


@given(parsers.parse('{principal} has saved the command "{script}" as "{name}"'))
def saved_by(world: World, principal: str, script: str, name: str) -> None:
    """The principal has saved the script with CreateCommand under that name; a refusal fails the
    scenario."""
    world.scene.saved_commands[name] = world.runner(principal).save(name, script)


@when(parsers.parse('{principal} saves the command "{script}" as "{name}"'))
def saves(world: World, principal: str, script: str, name: str) -> None:
    """The principal saves the script with CreateCommand under that name; a refusal is kept as the
    outcome."""
    try:
        world.scene.saved_commands[name] = world.runner(principal).save(name, script)
    except Refusal as refusal:
        world.record(refusal)


@when(parsers.parse('{principal} runs the saved command "{name}" on the {os} instance as "{user}"'))
def invoke_as(world: World, principal: str, name: str, os: str, user: str) -> None:
    """The principal runs the saved command with InvokeCommand as that OS user; a refusal is kept as
    the outcome."""
    _invoke(world, principal, name, os, user)


@when(
    parsers.parse(
        '{principal} runs the saved command "{name}" on the {os} instance without naming a user'
    )
)
def invoke_as_default(world: World, principal: str, name: str, os: str) -> None:
    """The principal runs the saved command with InvokeCommand naming no OS user."""
    _invoke(world, principal, name, os, None)


def _finished(world: World) -> InstanceResult:
    outcome = world.outcome.last
    if isinstance(outcome, Accepted):
        raise SpecViolation(f"no command ran in this scenario: {outcome}")
    if isinstance(outcome, Refusal):
        raise SpecViolation(f"the command was refused, but the spec expects it to run: {outcome}")
    if outcome is None:
        raise SpecViolation("no command was started in this scenario")
    return _final(world, outcome)


@then(parsers.parse('the command succeeds with the output "{expected}"'))
def succeeds_with(world: World, expected: str) -> None:
    """The command ran to Success with exit code 0, and its output is this text: it ran as the
    expected user."""
    result = _finished(world)
    if result.status != "Success" or result.exit_code != 0:
        raise SpecViolation(
            f"the command ended `{result.status}` (exit code {result.exit_code}, error "
            f"`{result.error_code or 'none'}`), not Success: output `{result.output.strip()}`"
        )
    if result.output.strip() != expected:
        raise SpecViolation(
            f"the command ran, but its output is `{result.output.strip()}`, not `{expected}`: "
            f"it did not run as the expected user"
        )


@then(parsers.parse('the command succeeds as the Windows user "{user}"'))
def succeeds_as_windows_user(world: World, user: str) -> None:
    """The command ran to Success, and Windows' `whoami` names this user on the instance's host."""
    result = _finished(world)
    hostname = world.observer().hostname_of(result.instance_id)
    expected = f"{hostname}\\{user}".lower()  # what `whoami` prints on Windows
    if result.status != "Success":
        raise SpecViolation(
            f"the command ended `{result.status}` with error `{result.error_code or 'none'}`, "
            f"not Success: output `{result.output.strip()}`"
        )
    if result.output.strip().lower() != expected:
        raise SpecViolation(
            f"the command ran, but Windows says it ran as `{result.output.strip()}`, not "
            f"`{expected}`"
        )


@then(parsers.parse('the command fails on the instance with "{error_code}"'))
def fails_on_instance(world: World, error_code: str) -> None:
    """RAM let the command through, and it failed on the instance with this error code."""
    result = _finished(world)
    if result.error_code != error_code:
        raise SpecViolation(
            f"the command ended `{result.status}` with error `{result.error_code or 'none'}`, "
            f"not `{error_code}`: output `{result.output.strip()}`"
        )


@then(parsers.parse('the request is refused with "{code}"'))
def refused_with(world: World, code: str) -> None:
    """The request was refused with this error code before anything ran (a run that started is
    reported as an exposure)."""
    outcome = world.outcome.last
    if isinstance(outcome, Accepted):
        raise world.outcome.expose(str(outcome))
    if isinstance(outcome, Started):
        try:
            ran = outcome.final()
        except Refusal as refusal:  # RAM let the run through: that stands, read or not
            raise world.outcome.expose(
                f"RAM accepted the request to run as `{outcome.username or 'the default user'}` "
                f"(InvokeId {outcome.invoke_id}); {helper_refused(refusal, _kept(world, refusal))}"
            ) from None
        ending = f"{ran.status}" + (f" with `{ran.error_code}`" if ran.error_code else "")
        raise world.outcome.expose(
            f"RAM accepted the request to run as "
            f"`{outcome.username or 'the default user'}` (InvokeId {ran.invoke_id}); on the "
            f"instance it was tried as `{ran.username}` and ended {ending}, output "
            f"`{ran.output.strip()}`"
        )
    if outcome is None:
        raise SpecViolation("the request was accepted, but the spec expects a refusal")
    refused_for_the_right_reason(world, outcome, code)


def refused_for_the_right_reason(world: World, refusal: Refusal, code: str) -> None:
    """The refusal carries `code` and, when it is a run-as request's, was refused by the run-as
    rule (see `_for_the_right_reason`); any other refusal (a throttle, a bad parameter) fails
    the step naming its code."""
    if refusal.code != code:
        raise SpecViolation(f"refused with `{refusal.code}`, not `{code}`: {refusal}")
    _for_the_right_reason(world, refusal, _sent(world, refusal))


def _sent(world: World, refusal: Refusal) -> str | None:
    """The run-as user the refused request named, from its call's evidence."""
    for record in world.evidence.records:
        if record.request_id == refusal.request_id and record.action == refusal.action:
            return record.params.get("Username")
    return None


def _decoded(world: World, refusal: Refusal) -> DecodedRefusal | None:
    """The refusal decoded by ram:DecodeDiagnosticMessage as the administrator (else
    commandUser); None when it carries nothing to decode or the decode is refused (which is
    recorded as what the scenario rests on)."""
    encoded = encoded_of(refusal)
    if encoded is None:
        return None  # not a RAM denial (or a gateway without AccessDeniedDetail, assumption A4)
    who = world.account.observer
    try:
        return decode(world.gateway, who, world.settings.region, world.account.endpoint, encoded)
    except Refusal as denied:
        world.outcome.assume(
            f"`{refusal.action}` was refused for the reason the spec expects: {who.name} may not "
            f"decode the refusal ({denied.code})"
        )
        return None


def _for_the_right_reason(world: World, refusal: Refusal, sent: str | None) -> None:
    """Decode the refusal and keep the reason; a run-as request (or a side door) refused for
    another reason fails the scenario, and one whose reason the decode cannot prove rests on
    its assumption."""
    decoded = _decoded(world, refusal)
    if decoded is None:
        return
    _stand(world, refusal, decoded, judge(refusal, decoded, sent, near_misses(refusal)))


def by_the_expected_policy(world: World, refusal: Refusal, expected: Collection[str]) -> None:
    """Judge a refusal already decoded again, now that the scenario names the policy it
    expects (`expected`: its names and cloud identifiers): an explicit deny proves the reason
    only when that policy decided it."""
    decoded = decoded_of(refusal)
    if decoded is None:
        return  # nothing was decoded (the refusal step said why)
    reason = judge(refusal, decoded, _sent(world, refusal), near_misses(refusal), expected)
    _stand(world, refusal, decoded, reason)


def _stand(world: World, refusal: Refusal, decoded: DecodedRefusal, reason: Reason | None) -> None:
    keep(refusal, decoded, reason)
    if reason is None:
        return
    if reason.standing == "wrong":
        raise SpecViolation(f"refused for another reason: {reason.text}")
    if reason.standing == "assumed":
        world.outcome.assume(
            f"`{refusal.action}` was refused by the run-as rule (assumption "
            f"{reason.assumption}): {reason.text}"
        )


@when(
    parsers.parse(
        '{principal} runs "{script}" on the {os} instance as each user that must be refused'
    )
)
def run_as_each_refused_user(world: World, principal: str, script: str, os: str) -> None:
    """One run per user in the refused-users setting (default root and system)."""
    for user in world.settings.refused_users:
        start_run(world, principal, os, script, user, user_key=user)


@then(parsers.parse('each of those requests is refused with "{code}"'))
def each_refused_with(world: World, code: str) -> None:
    """Every one of those runs was refused with this error code; any that RAM accepted is named as
    an exposure."""
    if not world.outcome.by_user:
        raise SpecViolation("no request was made: the refused-users setting is empty")
    exposed = [user for user, o in world.outcome.by_user.items() if isinstance(o, Started)]
    if exposed:
        raise world.outcome.expose(
            "RAM accepted requests to run as " + ", ".join(f"`{user}`" for user in exposed)
        )
    wrong = {
        u: o.code
        for u, o in world.outcome.by_user.items()
        if isinstance(o, Refusal) and o.code != code
    }
    if wrong:
        shown = ", ".join(f"`{u}` with `{c}`" for u, c in wrong.items())
        raise SpecViolation(f"refused, but not with `{code}`: {shown}")
    for user, outcome in world.outcome.by_user.items():
        if isinstance(outcome, Refusal):
            _for_the_right_reason(world, outcome, user)


@then("nothing ran on the instance")
def nothing_ran(world: World) -> None:
    """No invocation appeared on any instance of the scenario since it began."""
    for instance_id, before in world.scene.baseline.items():
        after = world.observer().invocations_on(instance_id)
        new = sorted(after - before)
        if new:
            raise SpecViolation(
                f"invocations appeared on `{instance_id}` although the request was refused: "
                f"{', '.join(new)}"
            )


@then(parsers.parse('{principal} can read the result of that run, showing "{expected}"'))
def reads_result(world: World, principal: str, expected: str) -> None:
    """The principal can read the last run's result (DescribeInvocationResults), and its output is
    this text."""
    outcome = world.outcome.last
    if not isinstance(outcome, Started):
        raise SpecViolation(f"there is no run to read: {outcome}")
    try:
        result = world.runner(principal).wait(outcome.invoke_id, outcome.instance_id)
    except Refusal as refusal:
        raise SpecViolation(f"{principal} cannot read the result: {refusal}") from None
    if result.output.strip() != expected:
        raise SpecViolation(f"{principal} reads `{result.output.strip()}`, not `{expected}`")


@then(parsers.parse("the refusal is an {kind} deny"))
def refusal_kind(world: World, kind: str) -> None:
    """The last refusal's AccessDeniedDetail says `explicit` (a Deny statement) or `implicit` (no
    statement allowed it)."""
    outcome = world.outcome.last
    if not isinstance(outcome, Refusal):
        raise SpecViolation(f"there is no refusal to examine: {outcome}")
    expected = {"explicit": "ExplicitDeny", "implicit": "ImplicitDeny"}.get(kind)
    if expected is None:
        raise HarnessError(f"unknown kind of deny `{kind}`: say `explicit` or `implicit`")
    detail = outcome.access_denied_detail or {}
    found = detail.get("NoPermissionType")
    if found is None:
        raise HarnessError(
            "the refusal carries no AccessDeniedDetail (assumption A4), so whether it was an "
            "explicit deny cannot be told from the answer"
        )
    if found != expected:
        raise SpecViolation(f"the refusal is `{found}`, not `{expected}`: {outcome}")
