"""A reviewer adds a scenario as a new user would: their own feature file, folder, tag and
policy documents, beside the spec's (pytester)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ._support import RUNS_AS_USER01, feature, one_line, run, spec_project

pytest_plugins = ["pytester"]

SPEC = Path(__file__).resolve().parents[2] / "features" / "policies"


def _write(pytester: pytest.Pytester, path: str, text: str) -> Path:
    target = pytester.path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return target


def test_a_feature_file_runs_on_its_own(pytester: pytest.Pytester) -> None:
    spec_project(pytester)
    _write(pytester, "features/linux/my.feature", feature("mine", RUNS_AS_USER01))
    result = run(pytester, "features/linux/my.feature", "-v", "-m", "runas_scenario")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["features/linux/my.feature::test_user01_runs_as_user01 PASSED*"])


def test_a_binding_module_and_a_feature_file_run_each_scenario_once(
    pytester: pytest.Pytester,
) -> None:
    """The binding module wins: the file it covers is left to it, whether pytest walks the
    folder or is given both."""
    spec_project(pytester)
    _write(pytester, "features/linux/my.feature", feature("mine", RUNS_AS_USER01))
    for args in (["features"], ["features/linux/my.feature", "features/linux/test_linux.py"]):
        result = run(pytester, "--collect-only", "-q", *args)
        assert {line for line in result.outlines if "::" in line} == {
            "features/linux/test_linux.py::test_root_is_refused",
            "features/linux/test_linux.py::test_user01_runs_as_user01",
        }


def test_a_feature_in_a_new_folder_is_collected(pytester: pytest.Pytester) -> None:
    spec_project(pytester)
    _write(pytester, "features/side_doors/sudo.feature", feature("a new folder", RUNS_AS_USER01))
    result = run(pytester, "features", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "features/linux/test_linux.py::test_root_is_refused PASSED*",
            "features/side_doors/sudo.feature::test_user01_runs_as_user01 PASSED*",
        ]
    )


def test_a_custom_tag_needs_no_registration(pytester: pytest.Pytester) -> None:
    """Under --strict-markers, a tag nobody registered (on a feature, a scenario or an Examples
    table) breaks nothing, and selects with -m."""
    spec_project(pytester)
    outline = """
      @reviewer_wip
      Scenario Outline: approved users run as themselves
        When commandUser runs "whoami" on the Linux instance as "<user>"
        Then the command succeeds with the output "<user>"
        @second_look
        Examples:
          | user   |
          | user02 |
    """
    _write(pytester, "features/linux/mine.feature", feature("mine", outline, tags="@mine"))
    everything = run(pytester, "features")
    everything.assert_outcomes(passed=2)
    chosen = run(pytester, "features", "-m", "reviewer_wip and second_look and mine", "-v")
    chosen.assert_outcomes(passed=1, deselected=1)
    chosen.stdout.fnmatch_lines(["*test_approved_users_run_as_themselves[[]user02] PASSED*"])
    markers = run(pytester, "--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.reviewer_wip: a tag in the feature files"])


def test_the_administrators_folder_overlays_the_spec_documents(pytester: pytest.Pytester) -> None:
    """A document of the spec's name replaces the spec's (here: an allow-list of user02 only),
    a new one is attached by name, and every other document still comes from the spec."""
    spec_project(pytester)
    mine = pytester.mkdir("mine")
    allowlist = json.loads((SPEC / "commandUserPolicy.allowlist.json").read_text())
    for statement in allowlist["Statement"]:
        for condition in statement.get("Condition", {}).values():
            if "ecs:CommandRunAs" in condition:
                condition["ecs:CommandRunAs"] = ["user02"]
    (mine / "commandUserPolicy.allowlist.json").write_text(json.dumps(allowlist))
    (mine / "readsInstances.json").write_text(
        json.dumps(
            {
                "Version": "1",
                "Statement": [
                    {"Effect": "Allow", "Action": "ecs:DescribeInstances", "Resource": "*"}
                ],
            }
        )
    )
    user01_is_refused = """
      Scenario: user01 is refused under my allow-list
        When commandUser runs "whoami" on the Linux instance as "user01"
        Then the request is refused with "Forbidden.RAM"
    """
    _write(pytester, "features/linux/allowlist.feature", feature("mine", user01_is_refused))
    lists = """
      Scenario: my own policy lets commandUser list the instances
        When commandUser lists the ECS instances
        Then the Linux instance is among them
    """
    _write(
        pytester,
        "features/linux/listing.feature",
        feature("listing", lists, policies='"commandUserPolicy.denylist" and "readsInstances"'),
    )
    result = run(pytester, "--policies", "mine", "features")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "run-as harness: policy documents from *mine over the spec's; replacing "
            "commandUserPolicy.allowlist"
        ]
    )
    one_line(result)


def test_the_header_says_when_no_spec_document_is_replaced(pytester: pytest.Pytester) -> None:
    spec_project(pytester)
    mine = pytester.mkdir("mine")
    (mine / "extra.json").write_text((SPEC / "kmsPolicy.json").read_text())
    result = run(pytester, "--policies", "mine", "--collect-only")
    result.stdout.fnmatch_lines(
        ["run-as harness: policy documents from *mine over the spec's; none of the spec's replaced"]
    )
