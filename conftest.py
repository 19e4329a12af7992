"""Loads the harness's pytest plugin and the step definitions, by domain; and runs the whole
suite on every core."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.config import settings
from harness.pycache import private_pycache, prune_pycache, seed_pycache


def _reuse_compiled_modules() -> None:
    """Under PYTHONDONTWRITEBYTECODE (or `python -B`) and no pycache prefix, this process
    rewrites and compiles every test module, step and conftest it imports, on every run: each
    xdist worker of the suite about 3.5 CPU-seconds (411 assertion rewrites, 600 parses). It
    keeps them instead where the suite's children already do (harness/pycache.py
    `private_pycache`: a folder of this user's alone, out of the source tree), and reads them
    back on the next run, as pytest and Python would from `__pycache__` with bytecode writing
    on (pytest checks a rewritten module against its source before it uses one: its size and
    time before pytest 9.2, its hash since). A prefix makes Python read every module's
    bytecode from it alone, so the installed libraries' own bytecode is put there first
    (`seed_pycache`, once per installed folder until an install changes it: else, in a new
    virtualenv, each process that starts before the files are written compiles the SDKs'
    thousands of models into it, about 4 CPU-seconds each). Only this process's
    imports from here on, and only into that folder (where none of this user's alone can be
    had, a throwaway one would only cost: nothing changes). The environment, which xdist's
    workers and the fork server start from, is left as it is. A prefix chosen by the person
    running pytest is kept, and so is bytecode writing left on (pytest then writes its own
    `__pycache__`, as it always does)."""
    if not sys.dont_write_bytecode or sys.pycache_prefix is not None:
        return
    folder = private_pycache()
    if not hasattr(os, "getuid") or Path(folder).name != f"runas-pycache-{os.getuid()}":
        return
    seed_pycache(folder)
    sys.pycache_prefix = folder
    sys.dont_write_bytecode = False


_reuse_compiled_modules()  # at import: before the step modules below are imported

pytest_plugins = [
    "harness.plugin",
    "steps.instances",
    "steps.accounts",
    "steps.commands",
    "steps.windows",
    "steps.proofs",
    "steps.groups",
    "steps.escalation",
    "steps.privilege",
    "steps.side_doors",
    "steps.fleet",
    "steps.instance_roles",
]


#: What the controller tells each xdist worker about the dist mode (workers re-parse the
#: command line, which does not carry a mode the hook below chose).
LOADGROUP = "runas_loadgroup"

#: The suite's costliest test files (child runs of the whole spec, live runs against a
#: stand-in, interrupted children), costliest first, as `pytest --durations` measured them on
#: two workers. A worker run hands them out first, so that the two workers end together rather
#: than one of them starting a long test when the other has nothing left. The order only
#: balances the workers: a file missing here, or a stale order, costs time, never a result.
COSTLY_FIRST = (
    "tests/report/test_full_spec.py",
    "tests/server/test_spec_against_server.py",
    "tests/live/test_record_replay.py",
    "tests/live/test_provision.py",
    "tests/live/test_interrupts.py",
    "tests/report/test_browser.py",
    "tests/clients/test_node_sdk.py",
    "tests/server/test_fuzz.py",
    "tests/test_children.py",
    "tests/test_role_credentials_stay_secret.py",
    "tests/live/test_verify.py",
    "tests/test_spec_has_teeth.py",
    "tests/test_approved_users_have_teeth.py",
    "tests/test_side_doors_have_teeth.py",
    "tests/live/test_resilience.py",
    "tests/live/test_settings.py",
    "tests/fleet/test_cli.py",
    "tests/server/test_bad_requests.py",
    "tests/wire/test_fast_paths.py",
    "tests/recording/test_matching.py",
    "tests/server/test_cli.py",
    "tests/fakes/test_invocation_index.py",
    "tests/policy/test_properties.py",
    "features/fleet/test_fleet.py",
    "tests/test_spec_inventory.py",
    "tests/plugin/test_one_line_errors.py",
)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which reads `-n` and `--dist`
def pytest_cmdline_main(config: pytest.Config) -> None:
    """`pytest` alone (the whole suite, from pyproject's testpaths) runs with pytest-xdist's
    `-n auto`: one worker per core, tests handed out one by one.

    Anything else stays in one process unless `-n` says otherwise: a path you name (a reviewer's
    `pytest features -v --gherkin-terminal-reporter`, which xdist would silence), a run with
    `-n`, `--pdb` or `--collect-only`, an xdist worker itself, and any run on another backend
    than the in-process fake (`--fake-endpoint`, whose scenarios each reset the one server, or
    a live account).

    Any run on workers (this one's `-n auto` or a given `-n`) hands out tests with
    `--dist loadgroup` unless `--dist` says otherwise: the tests that share a costly run are
    marked `xdist_group`, so it is made once. It is chosen here, not in pyproject's addopts,
    so that `pytest -p no:xdist` still knows all its options."""
    if hasattr(config, "workerinput"):
        # an xdist worker runs what it is handed (workers of its own would recurse); it adds
        # the group to each test id if the controller hands out by group
        config.option.loadgroup = config.option.loadgroup or config.workerinput.get(LOADGROUP)
        return
    if not config.pluginmanager.hasplugin("xdist"):
        return
    if config.option.numprocesses is None and _the_whole_suite_on_the_fake(config):
        config.option.numprocesses = "auto"
    if config.option.numprocesses and config.option.dist == "no":
        config.option.dist = "loadgroup"


def _the_whole_suite_on_the_fake(config: pytest.Config) -> bool:
    if config.args_source is not pytest.Config.ArgsSource.TESTPATHS:
        return False
    if config.option.usepdb or config.option.collectonly:
        return False
    try:
        chosen = settings.from_config(config)
    except pytest.UsageError:
        return False  # the plugin says what is wrong, once, as usual
    return chosen.backend == "fake" and chosen.fake_endpoint is None


#: Where the suite's temporary folders go when the machine has one in memory (Linux's tmpfs).
MEMORY_TMP = Path("/dev/shm")
#: The room it must have free to be chosen: a run leaves some 50 MB there, and pytest keeps the
#: last three runs' folders (a container's default /dev/shm is 64 MB: too small, so not chosen).
MEMORY_TMP_ROOM = 1 << 30


def _roomy(folder: Path) -> bool:
    if not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
        return False
    free = os.statvfs(folder)
    return free.f_bavail * free.f_frsize >= MEMORY_TMP_ROOM


def pytest_configure(config: pytest.Config) -> None:
    """`xdist_group` is a known marker without pytest-xdist too (`pytest -p no:xdist`, under
    pyproject's --strict-markers), where it means nothing.

    The tests' temporary folders (pytest's `tmp_path`, and so the child runs' projects, caches
    and provisioning ledgers) are in memory where the machine has a tmpfs: a live run's ledger
    is synced to disk at every create and remove (harness/provisioning/ledger.py), about 3,000
    fsyncs of some 3.5 ms each on this disk for a live run of the whole spec, where a test waits
    ten seconds doing nothing. A `--basetemp`, a PYTEST_DEBUG_TEMPROOT or a TMPDIR chosen by
    the person running pytest is kept, and so is /tmp on a machine without a /dev/shm with
    1 GiB free (MEMORY_TMP_ROOM). The
    workers of an xdist run get their folders from the controller's, so only it chooses."""
    if not config.pluginmanager.hasplugin("xdist"):
        config.addinivalue_line("markers", "xdist_group(name): tests that share a costly run")
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        _children_reuse_compiled_modules()
    chosen = config.option.basetemp or os.environ.get("PYTEST_DEBUG_TEMPROOT")
    if chosen or os.environ.get("TMPDIR") or hasattr(config, "workerinput"):
        return
    if _roomy(MEMORY_TMP):
        # pytest's own root for its numbered temporary folders (its tmp_path docs): nothing
        # else of this process moves (tempfile's folder, and so the children's pycache, stay)
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(MEMORY_TMP)


def _children_reuse_compiled_modules() -> None:
    """Under PYTHONDONTWRITEBYTECODE, the child runs a test starts with this process's
    environment compile and rewrite every module of the project, pytest's plugins and the steps
    again, each of them (about 0.35 CPU-seconds a child): they write their bytecode instead
    where the children isolated_env starts already do (harness/pycache.py
    `private_pycache`: a folder of this user's alone, out of the source tree), unless a pycache
    prefix is chosen. Only in a process that runs tests (an xdist worker, or a run in one
    process): the workers of an xdist run start from the controller's environment, which stays
    as it was (a worker starting with a cold prefix would compile every installed module into
    it). tests/_children.py starts its fork server without the prefix, for the same reason."""
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        os.environ.setdefault("PYTHONPYCACHEPREFIX", private_pycache())


def pytest_unconfigure(config: pytest.Config) -> None:
    """At the end of the whole suite (not in its workers, nor in a child run of some paths),
    the private bytecode folder loses the trees of the source folders gone since: the suite's
    temporary projects, which its runs would otherwise pile up there (harness/pycache.py
    `prune_pycache`)."""
    if (
        hasattr(config, "workerinput")
        or config.args_source is not pytest.Config.ArgsSource.TESTPATHS
    ):
        return
    with contextlib.suppress(OSError):  # housekeeping: never the run's result
        prune_pycache(private_pycache())


@pytest.hookimpl(trylast=True)  # after xdist's worker, which should have done it
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a worker: the costliest tests first (COSTLY_FIRST; every worker sorts alike, as the
    controller requires). Under `--dist loadgroup`, each test marked `xdist_group` also gets
    the group at the end of its id (`...::test_x@name`), which is how the controller's
    scheduler sees the group. pytest-xdist 3.8 does it by setting `item._nodeid`, which pytest
    9.2 no longer reads (a node's id is its `_id`): without this, a group's tests are spread
    over the workers and each worker makes the costly run the group shares."""
    if not hasattr(config, "workerinput"):
        return
    items.sort(key=_cost_rank)
    if not config.getoption("loadgroup", False):
        return
    for item in items:
        groups = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        suffix = "@" + "_".join(sorted(groups))
        node_id = getattr(item, "_id", None)  # absent before pytest 9.2, where xdist's works
        if groups and node_id is not None and not item.nodeid.endswith(suffix):
            item._id = type(node_id).parse(item.nodeid + suffix)


def _cost_rank(item: pytest.Item) -> int:
    path = item.nodeid.split("::", 1)[0]
    return COSTLY_FIRST.index(path) if path in COSTLY_FIRST else len(COSTLY_FIRST)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: absent with `-p no:xdist`
def pytest_configure_node(node: Any) -> None:
    """Tells a worker whether tests are handed out by `xdist_group` (see above)."""
    node.workerinput[LOADGROUP] = node.config.option.dist == "loadgroup"
