"""Binds the Windows half of the spec to pytest: each scenario below features/windows is a test."""

import pytest
from pytest_bdd import scenarios

#: Marks every test below as a scenario of the spec, for the harness plugin.
pytestmark = pytest.mark.runas_scenario

scenarios("windows")
