"""The name-tricks step passes on a refusal only when RAM refused the run (`Forbidden.RAM`): a
throttle or a bad parameter refuses the request too, but says nothing of the run-as rule."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pytest

from harness.errors import SpecViolation
from harness.sdk.gateway import Refusal
from harness.world import World
from steps.privilege import never_root


def _world_whose_last_outcome_is(refusal: Refusal) -> World:
    return cast(World, SimpleNamespace(outcome=SimpleNamespace(last=refusal)))


@pytest.mark.parametrize(
    ("code", "status"),
    [("Throttling.User", 400), ("InvalidParameter", 400), ("ServiceUnavailable", 503)],
)
def test_a_refusal_other_than_rams_fails_the_name_tricks_step_naming_its_code(
    code: str, status: int
) -> None:
    refusal = Refusal("RunCommand", code, "no", status, "r-1")
    with pytest.raises(SpecViolation) as failed:
        never_root(_world_whose_last_outcome_is(refusal))
    line = str(failed.value)
    assert "\n" not in line
    assert f"refused with `{code}`, not `Forbidden.RAM`" in line
