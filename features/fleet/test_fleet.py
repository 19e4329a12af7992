"""Binds the fleet feature to pytest: each scenario below features/fleet is one test."""

import pytest
from pytest_bdd import scenarios

#: Marks every test below as a scenario of the spec, for the harness plugin.
pytestmark = pytest.mark.runas_scenario

scenarios("fleet")
