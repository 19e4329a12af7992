"""Verify mode's comparison of commandUser's effective permissions with what
`--command-user-policies` declares: every declared policy must bear on commandUser (through
the user or one of its groups), and no undeclared ECS policy may reach it through a group."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from harness.config.policies import PolicyLibrary
from harness.errors import HarnessError
from harness.provisioning.effective import EffectivePermissions


def _listed(names: Iterable[str]) -> str:
    shown = [f"`{n}`" for n in sorted(names)]
    return ", ".join(shown) if shown else "no policy"


def check_effective(
    effective: EffectivePermissions,
    user: str,
    labels: Sequence[str],
    library: PolicyLibrary,
    assume: Callable[[str], None],
    relevant: Callable[[Sequence[str]], frozenset[str]],
) -> None:
    """Raise `HarnessError` when the account's grants differ from the declared ones in what
    the spec observes; record what could not be read as assumed. `relevant` picks the policies
    that grant or deny ECS actions (verify.ecs_relevant)."""
    wanted = {library.resolve(label).ram_name for label in labels}
    missing = [label for label in labels if library.resolve(label).ram_name not in effective.names]
    if missing:
        raise HarnessError(
            f"commandUser (`{user}`) lacks {_listed(missing)}, which --command-user-policies "
            f"declares: it has {_listed(effective.names)}"
        )
    system = [g.policy for g in effective.from_groups() if g.type == "System"]
    ecs = relevant(system)
    extra = sorted(
        g.describe() for g in effective.from_groups() if g.policy not in wanted and g.policy in ecs
    )
    if extra:
        raise HarnessError(
            f"commandUser (`{user}`) also has {', '.join(extra)}, which "
            "--command-user-policies does not declare: RAM evaluates a group's policies for "
            "each member, so the spec would not test the declared setup"
        )
    scoped = [g.describe() for g in effective.grants if g.scope != "the account"]
    if scoped:
        assume(f"the policies attached for a resource group apply there only: {', '.join(scoped)}")
    for what in effective.unread:
        assume(f"nothing more bears on commandUser: it may not read {what}")
    folders = " or ".join(str(f) for f in library.folders())
    assume(
        f"the documents of {_listed(labels)} in the account are those in {folders} (names "
        "checked, documents not compared)"
    )
