"""Loads the harness's pytest plugin and the step definitions, by domain; and runs the whole
suite on every core."""

from __future__ import annotations

import pytest

from harness.config import settings

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


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which reads `-n`
def pytest_cmdline_main(config: pytest.Config) -> None:
    """`pytest` alone (the whole suite, from pyproject's testpaths) runs with pytest-xdist's
    `-n auto`: one worker per core, tests handed out one by one, and the tests that share a
    costly run marked `xdist_group` (pyproject's `--dist loadgroup`) so it is made once.

    Anything else stays in one process unless `-n` says otherwise: a path you name (a reviewer's
    `pytest features -v --gherkin-terminal-reporter`, which xdist would silence), a run with
    `-n`, `--pdb` or `--collect-only`, an xdist worker itself, and any run on another backend
    than the in-process fake (`--fake-endpoint`, whose scenarios each reset the one server, or
    a live account)."""
    if hasattr(config, "workerinput"):
        return  # an xdist worker: it runs what it is handed (workers of its own would recurse)
    if config.args_source is not pytest.Config.ArgsSource.TESTPATHS:
        return
    if not config.pluginmanager.hasplugin("xdist") or config.option.numprocesses is not None:
        return
    if config.option.usepdb or config.option.collectonly:
        return
    try:
        chosen = settings.from_config(config)
    except pytest.UsageError:
        return  # the plugin says what is wrong, once, as usual
    if chosen.backend == "fake" and chosen.fake_endpoint is None:
        config.option.numprocesses = "auto"
