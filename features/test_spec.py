"""Binds every feature file under features/ to pytest: each scenario is one test."""

from pytest_bdd import scenarios

scenarios(".")
