"""Binds the paths-to-root half of the spec to pytest: each scenario below features/paths_to_root
is one test."""

import pytest
from pytest_bdd import scenarios

#: Marks every test below as a scenario of the spec, for the harness plugin.
pytestmark = pytest.mark.runas_scenario

scenarios("paths_to_root")
