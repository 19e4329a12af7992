"""What tests in several folders share: how a child pytest starts, and the canary spy that
writes down every AccessKey secret a child run makes."""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from tests import _children as children

__all__ = [
    "CHILD_OPTIONS",
    "COMMITTED_REPLAY",
    "LIVE_RUN",
    "ROOT",
    "SECRETS_MADE",
    "SPEC_ON_A_SERVER",
    "SPY",
    "VERIFY_RUN",
    "pytest_command",
    "runpytest_child",
    "small_spec",
]

#: The checkout.
ROOT = Path(__file__).resolve().parents[1]

#: A small project's step plugins, its pytest.ini and the module binding its feature file.
STEPS = '["harness.plugin", "steps.instances", "steps.accounts", "steps.commands", "steps.windows"]'
INI = """
[pytest]
markers =
    linux: Linux scenarios
    windows: Windows scenarios
    finding: a documented weakness
filterwarnings = error
"""
BINDING = (
    "import pytest\nfrom pytest_bdd import scenarios\n\n"
    'pytestmark = pytest.mark.runas_scenario\nscenarios("spec.feature")\n'
)

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

#: The xdist group of every test that reads tests/conftest.py's `live_run`.
LIVE_RUN = "live-run"

#: The xdist group of every test that reads tests/conftest.py's `spec_on_a_server`.
SPEC_ON_A_SERVER = "spec-on-a-server"

#: The xdist group of every test that reads tests/conftest.py's `verify_run`.
VERIFY_RUN = "verify-run"

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


def runpytest_child(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """`pytester.runpytest_subprocess(*args)` with the child options, its child from the fork
    server (tests/_children.py): `python -m pytest` in pytester's folder, that folder first on
    PYTHONPATH, a --basetemp of its own."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pytester.path), env.get("PYTHONPATH")]))
    basetemp = tempfile.mkdtemp(prefix="runpytest-", dir=pytester.path)
    began = time.monotonic()
    done = children.run(
        pytest_command(f"--basetemp={basetemp}", *args), cwd=pytester.path, env=env, timeout=300
    )
    lines = done.stdout.splitlines(), done.stderr.splitlines()
    return pytest.RunResult(done.returncode, *lines, time.monotonic() - began)


def small_spec(folder: Path, feature: str, steps: str = "") -> Path:
    """A project of one feature file using the harness's steps, plus `steps` of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pytest.ini").write_text(INI)
    (folder / "conftest.py").write_text(f"pytest_plugins = {STEPS}\n" + textwrap.dedent(steps))
    (folder / "test_spec.py").write_text(BINDING)
    (folder / "spec.feature").write_text(textwrap.dedent(feature))
    return folder
