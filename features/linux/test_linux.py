"""Binds the Linux half of the spec to pytest: each scenario below features/linux is one test."""

from pytest_bdd import scenarios

scenarios("linux")
