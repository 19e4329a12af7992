"""What a person sees: the progress bar while the check runs (on a terminal only), then the
summary table, the instances that are not verified, and the drift."""

from __future__ import annotations

import io

from rich.console import Console

from fakes import FakeCloud
from harness.fleet.check import Plan
from harness.fleet.on_fake import command_user, fleet_check
from harness.fleet.selection import Selector
from harness.fleet.terminal import ProgressBar, show
from harness.fleet.verdicts import Change


def _console(*, terminal: bool) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=terminal, width=200), out


def test_the_progress_bar_counts_the_instances_checked(fake_cloud: FakeCloud) -> None:
    fake_cloud.add_fleet(7, users=["user01", "user02"], tags={"env": "prod"})
    console, out = _console(terminal=True)
    plan = Plan(users=("user01", "user02"), refused=("root",))
    with ProgressBar(console) as bar:
        check = fleet_check(fake_cloud, command_user(fake_cloud), plan, progress=bar)
        check.run(Selector(tags=(("env", "prod"),)))
    drawn = out.getvalue()
    assert "verifying instances" in drawn
    assert "7/7" in drawn


def test_no_bar_is_drawn_when_the_output_is_not_a_terminal() -> None:
    console, out = _console(terminal=False)
    with ProgressBar(console) as bar:
        bar.start(3)
        bar.advance(3)
    assert out.getvalue().strip() == ""  # at most the line end rich leaves


def test_the_summary_names_what_did_not_verify_and_what_changed(fake_cloud: FakeCloud) -> None:
    healthy, stopped = fake_cloud.add_fleet(2, users=["user01", "user02"], tags={"env": "prod"})
    fake_cloud.set_agent(stopped, "stopped")
    plan = Plan(users=("user01", "user02"), refused=("root", "system"))
    result = fleet_check(fake_cloud, command_user(fake_cloud), plan).run(
        Selector(tags=(("env", "prod"),))
    )
    result.drift = [Change(stopped, "verified", "unreachable")]
    console, out = _console(terminal=False)
    show(console, result)
    text = out.getvalue()
    assert "fleet check: 2 instance(s)" in text
    assert f"UNREACHABLE {stopped}: selection: the Cloud Assistant agent is not running" in text
    assert healthy not in text  # a verified instance is counted, not listed
    assert f"drift: {stopped}: verified -> unreachable" in text
