"""What tests in several folders share: how a child pytest starts, and the canary spy that
writes down every AccessKey secret a child run makes."""

from __future__ import annotations

import sys

__all__ = ["CHILD_OPTIONS", "COMMITTED_REPLAY", "SECRETS_MADE", "SPY", "pytest_command"]

#: Options every child pytest run starts with, before its own. `-n 0`: the child runs in one
#: process, whatever it runs (the root conftest's `-n auto` is for the suite itself; a child
#: that wants workers says `-n 2` after these). `-p no:hypothesispytest`: no child runs a
#: Hypothesis test, and the plugin costs each child about a second at its end, importing
#: Hypothesis through pytest's assertion rewriting (which caches nothing when bytecode writing
#: is off, as PYTHONDONTWRITEBYTECODE has it).
CHILD_OPTIONS = ("-n", "0", "-p", "no:hypothesispytest")

#: The xdist group of every test that reads tests/conftest.py's `committed_replay`: under
#: `--dist loadgroup` they share one worker, so the replay is made once.
COMMITTED_REPLAY = "committed-replay"

#: The file the spy writes, beside the module it is saved as.
SECRETS_MADE = "secrets-made.txt"

#: Spies on the AccessKeys a run makes: saved as a plugin or a conftest in the child's project,
#: it writes each new secret to `secrets-made.txt` beside itself (the test then looks for the
#: secrets in everything the run wrote).
SPY = f"""
from pathlib import Path

import harness.provisioning.provision

_create_user = harness.provisioning.provision.RamProvisioner.create_user


def _spy(self, name, policies):
    principal = _create_user(self, name, policies)
    with Path(__file__).with_name("{SECRETS_MADE}").open("a") as out:
        out.write(principal.key.secret + "\\n")
    return principal


harness.provisioning.provision.RamProvisioner.create_user = _spy
"""


def pytest_command(*args: str) -> list[str]:
    """`python -m pytest` with the child options, then `args`."""
    return [sys.executable, "-m", "pytest", *CHILD_OPTIONS, *args]
