"""Binds the Windows half of the spec to pytest: each scenario below features/windows is a test."""

from pytest_bdd import scenarios

scenarios("windows")
