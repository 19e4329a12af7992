"""A small project of the reviewer's own, as a person would lay it out beside the harness: a
conftest loading the plugin and the step modules, a binding module, and feature files."""

from __future__ import annotations

import textwrap

import pytest

STEP_MODULES = ["steps.instances", "steps.accounts", "steps.commands", "steps.windows"]
CONFTEST = f"pytest_plugins = {['harness.plugin', *STEP_MODULES]!r}\n"
INI = """
[pytest]
addopts = --strict-markers
bdd_features_base_dir = features
markers =
    linux: scenarios about Linux instances
"""
BINDING = """
import pytest
from pytest_bdd import scenarios

pytestmark = pytest.mark.runas_scenario
scenarios("linux")
"""
BACKGROUND = """
  Background:
    Given a Linux instance with the regular users "user01" and "user02"
    And the RAM user "commandUser" with the policies {policies}
"""
RUNS_AS_USER01 = """
  Scenario: user01 runs as user01
    When commandUser runs "whoami" on the Linux instance as "user01"
    Then the command succeeds with the output "user01"
"""
ROOT_IS_REFUSED = """
  Scenario: root is refused
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the request is refused with "Forbidden.RAM"
"""
GUIDE_POLICIES = '"commandUserPolicy.allowlist" and "AliyunECSReadOnlyAccess"'


def feature(title: str, *scenarios: str, tags: str = "", policies: str = GUIDE_POLICIES) -> str:
    """A feature file's text: the guide's background, then the scenarios."""
    head = f"{tags}\nFeature: {title}\n" if tags else f"Feature: {title}\n"
    body = textwrap.dedent(BACKGROUND).format(policies=policies)
    return head + textwrap.indent(body, "  ") + "".join(textwrap.dedent(s) for s in scenarios)


def spec_project(pytester: pytest.Pytester) -> None:
    """`features/linux/` bound by `test_linux.py` (`scenarios("linux")`), with one feature."""
    pytester.makeini(INI)
    pytester.makeconftest(CONFTEST)
    linux = pytester.mkdir("features").joinpath("linux")
    linux.mkdir()
    (linux / "test_linux.py").write_text(textwrap.dedent(BINDING))
    (linux / "allowlist.feature").write_text(feature("the guide's allow-list", ROOT_IS_REFUSED))


def one_line(result: pytest.RunResult) -> None:
    """No Python traceback anywhere in what pytest printed."""
    text = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in text
    assert "FrozenInstanceError" not in text
    assert "raise " not in text


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """pytest in this process. The harness is imported already, so pytest cannot rewrite its
    asserts and says so in a warning that is not the subject of any test here."""
    return pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning", *args
    )
