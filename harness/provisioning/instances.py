"""The account's own instances: before a scenario uses one, it must be in the region and run the
OS the spec says. The harness never creates or changes an instance of a real account."""

from __future__ import annotations

from collections.abc import Callable

from harness.cloud_assistant import CommandRunner
from harness.errors import HarnessError
from harness.sdk.gateway import Refusal

_FLAGS = {"Linux": "--linux-instance", "Windows": "--windows-instance"}


def check_instance(
    observer: CommandRunner,
    label: str,
    instance_id: str,
    region: str,
    *,
    on_refused: Callable[[str], None] | None,
) -> None:
    """Check with DescribeInstances; a refusal is fatal, unless `on_refused` takes note of
    what must then be assumed (verify mode, where commandUser may not describe instances)."""
    try:
        found = observer.os_of(instance_id)
    except Refusal as refusal:
        if on_refused is None:
            raise
        on_refused(
            f"the {label} instance `{instance_id}` exists in {region}: commandUser may not "
            f"describe it ({refusal.code})"
        )
        return
    if found is None:
        raise HarnessError(
            f"the {label} instance `{instance_id}` ({_FLAGS[label]}) is not in region "
            f"{region}: check the id and --region"
        )
    if found != label.lower():
        raise HarnessError(
            f"the instance `{instance_id}` ({_FLAGS[label]}) runs {found}, not {label}"
        )
