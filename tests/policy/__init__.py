"""Tests of the RAM policy engine `fakes.policy`."""
