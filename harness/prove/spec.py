"""What the spec's proof steps stand on: the policies a scenario attached, proved, and each
failed proof said in one line, with the witness and the statement that lets it through."""

from __future__ import annotations

from collections.abc import Sequence

from fakes.policy import PolicySource
from harness.config.policies import PolicyLibrary
from harness.errors import HarnessError, SpecViolation
from harness.prove.encode import Policies
from harness.prove.questions import (
    FORBIDDEN,
    run_as_any_case,
    run_as_exactly,
    run_as_other_than,
)
from harness.prove.request import RUN_AS_ACTIONS
from harness.prove.solve import Answer, Verdict
from harness.prove.sources import LoadedPolicy, compile_named, load, policy_set


def attached_policies(labels: Sequence[str], library: PolicyLibrary) -> Policies:
    """The spec's policy labels as documents: custom ones from the policy folders, system
    ones as the fake knows them (A3 where their content is not published)."""
    loaded = []
    for label in labels:
        ref = library.resolve(label)
        if ref.document is None:
            loaded.append(load(ref.ram_name))
        else:
            compiled = compile_named(ref.document, f"`{label}`")
            loaded.append(LoadedPolicy(PolicySource(ref.ram_name, "Custom"), compiled))
    return policy_set(loaded)


def _said(answer: Answer) -> str:
    if answer.verdict is Verdict.UNKNOWN:
        return f"the solver could not decide ({answer.reason})"
    assert answer.witness is not None
    statements = ", ".join(str(ref) for ref in answer.witness.statements)
    return f"`{answer.witness.name}` is allowed by {statements}"


def _must_refuse(answer: Answer, action: str, what: str) -> None:
    if answer.verdict is not Verdict.REFUSED:
        raise SpecViolation(f"{action} {what}: {_said(answer)}")


def no_forbidden_name_runs(policies: Policies, names: Sequence[str] = FORBIDDEN) -> None:
    for action in RUN_AS_ACTIONS:
        for name in names:
            answer = run_as_any_case(policies, action, name)
            _must_refuse(answer, action, f"as {name} in some letter case")


def only_these_names_run(policies: Policies, names: Sequence[str]) -> None:
    for action in RUN_AS_ACTIONS:
        _must_refuse(run_as_other_than(policies, action, names), action, "as another name")
        for name in names:
            answer = run_as_exactly(policies, action, name)
            if answer.verdict is not Verdict.ALLOWED:
                raise SpecViolation(f"{action} as `{name}` is refused, for every request")


def this_name_runs(policies: Policies, name: str) -> str:
    """The statements that let `name` run, or a SpecViolation when none does."""
    found = []
    for action in RUN_AS_ACTIONS:
        answer = run_as_exactly(policies, action, name)
        if answer.verdict is not Verdict.ALLOWED or answer.witness is None:
            reason = answer.reason or "no request is allowed"
            raise SpecViolation(f"{action} as `{name}` is not shown allowed: {reason}")
        found += [str(ref) for ref in answer.witness.statements]
    return ", ".join(dict.fromkeys(found))


def labels_of(attached: dict[str, tuple[str, ...]], principal: str) -> tuple[str, ...]:
    try:
        return attached[principal]
    except KeyError:
        raise HarnessError(
            f"the spec has attached no policies to `{principal}`: add "
            f'`Given the RAM user "{principal}" with the policies ...`'
        ) from None
