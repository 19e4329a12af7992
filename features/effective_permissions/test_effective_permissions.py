"""Binds the effective-permissions spec to pytest: groups, resource-group scope, control
policies, self-escalation. Each scenario below features/effective_permissions is one test."""

import pytest
from pytest_bdd import scenarios

#: Marks every test below as a scenario of the spec, for the harness plugin.
pytestmark = pytest.mark.runas_scenario

scenarios("effective_permissions")
