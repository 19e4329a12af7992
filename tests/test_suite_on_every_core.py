"""`pytest` alone runs the whole suite on every core; anything narrower, or on another backend
than the in-process fake, stays in one process (the root conftest's pytest_cmdline_main)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _root_conftest() -> ModuleType:
    spec = importlib.util.spec_from_file_location("root_conftest_under_test", ROOT / "conftest.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class _Config:
    """What the hook reads of a pytest.Config (the settings come from `settings.from_config`,
    replaced here by what each test chooses)."""

    args_source: pytest.Config.ArgsSource = pytest.Config.ArgsSource.TESTPATHS
    plugins: set[str] = field(default_factory=lambda: {"xdist"})
    option: Any = field(
        default_factory=lambda: SimpleNamespace(
            numprocesses=None, usepdb=False, collectonly=False, dist="no", loadgroup=False
        )
    )

    @property
    def pluginmanager(self) -> Any:
        return SimpleNamespace(hasplugin=lambda name: name in self.plugins)


def _workers(monkeypatch: pytest.MonkeyPatch, config: _Config, **chosen: Any) -> object:
    conftest = _root_conftest()
    settings = {"backend": "fake", "fake_endpoint": None, **chosen}
    monkeypatch.setattr(
        conftest.settings, "from_config", lambda _: SimpleNamespace(**settings), raising=True
    )
    conftest.pytest_cmdline_main(config)
    return config.option.numprocesses


def test_the_whole_suite_on_the_in_process_fake_runs_on_every_core(monkeypatch) -> None:
    assert _workers(monkeypatch, _Config()) == "auto"


def test_an_xdist_worker_starts_no_workers_of_its_own(monkeypatch) -> None:
    """xdist starts each worker as `pytest` with no paths and no `-n` (and marks it with
    `workerinput` before pytest_cmdline_main): without this, each worker would start two."""
    config = _Config()
    config.workerinput = {"workerid": "gw0"}  # type: ignore[attr-defined]
    assert _workers(monkeypatch, config) is None


def test_a_path_named_on_the_command_line_runs_in_one_process(monkeypatch) -> None:
    config = _Config(args_source=pytest.Config.ArgsSource.ARGS)
    assert _workers(monkeypatch, config) is None


def test_a_run_that_says_n_keeps_it(monkeypatch) -> None:
    config = _Config()
    config.option.numprocesses = 0
    assert _workers(monkeypatch, config) == 0


@pytest.mark.parametrize("flag", ["usepdb", "collectonly"])
def test_pdb_and_collect_only_run_in_one_process(monkeypatch, flag) -> None:
    config = _Config()
    setattr(config.option, flag, True)
    assert _workers(monkeypatch, config) is None


def test_without_xdist_nothing_changes(monkeypatch) -> None:
    assert _workers(monkeypatch, _Config(plugins=set())) is None


@pytest.mark.parametrize(
    "chosen",
    [{"fake_endpoint": "http://127.0.0.1:8080"}, {"backend": "live"}, {"backend": "replay"}],
    ids=["fake-endpoint", "live", "replay"],
)
def test_another_backend_than_the_in_process_fake_runs_in_one_process(monkeypatch, chosen) -> None:
    """A fake server is reset by each scenario, a live account is one account: no workers."""
    assert _workers(monkeypatch, _Config(), **chosen) is None


def test_bad_settings_are_left_to_the_plugin_to_name(monkeypatch) -> None:
    conftest = _root_conftest()

    def bad(_: object) -> object:
        raise pytest.UsageError("unknown backend `cloudy`")

    monkeypatch.setattr(conftest.settings, "from_config", bad)
    config = _Config()
    conftest.pytest_cmdline_main(config)
    assert config.option.numprocesses is None


def test_the_whole_suite_hands_out_tests_by_xdist_group(monkeypatch) -> None:
    """The tests that share a costly run (tests/conftest.py, tests/report/conftest.py) mark
    `xdist_group`; only `--dist loadgroup` keeps each group on one worker."""
    config = _Config()
    _workers(monkeypatch, config)
    assert config.option.dist == "loadgroup"


def test_a_run_that_says_n_hands_out_by_group_too(monkeypatch) -> None:
    config = _Config()
    config.option.numprocesses = 2
    _workers(monkeypatch, config)
    assert config.option.dist == "loadgroup"


def test_a_run_that_says_dist_keeps_it(monkeypatch) -> None:
    config = _Config()
    config.option.numprocesses, config.option.dist = 2, "load"
    _workers(monkeypatch, config)
    assert config.option.dist == "load"


@pytest.mark.parametrize(
    "config", [_Config(args_source=pytest.Config.ArgsSource.ARGS), _Config(plugins=set())]
)
def test_a_run_in_one_process_has_no_dist_mode(monkeypatch, config) -> None:
    """xdist reads a dist mode other than `no` as "this process is a controller"."""
    _workers(monkeypatch, config)
    assert config.option.dist == "no"


def test_a_worker_adds_the_group_to_test_ids_when_the_controller_hands_out_by_group(
    monkeypatch,
) -> None:
    """A worker re-parses the command line (no `--dist` there when the hook chose it): the
    controller says it in `workerinput`, and the worker sets what xdist's collection reads."""
    conftest = _root_conftest()
    controller = _Config()
    _workers(monkeypatch, controller)
    node = SimpleNamespace(config=controller, workerinput={})
    conftest.pytest_configure_node(node)
    worker = _Config()
    worker.workerinput = node.workerinput  # type: ignore[attr-defined]
    conftest.pytest_cmdline_main(worker)
    assert worker.option.loadgroup is True

    alone = _Config()
    alone.option.numprocesses, alone.option.dist = 2, "load"
    node = SimpleNamespace(config=alone, workerinput={})
    conftest.pytest_configure_node(node)
    worker = _Config()
    worker.workerinput = node.workerinput  # type: ignore[attr-defined]
    conftest.pytest_cmdline_main(worker)
    assert not worker.option.loadgroup


def test_pyproject_names_no_xdist_option_so_pytest_runs_without_xdist() -> None:
    """`pytest -p no:xdist` fails on an addopts option only xdist knows (`--dist`, `-n`)."""
    import tomllib

    ini = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    options = ini["addopts"].split()
    assert not [o for o in options if o.startswith(("--dist", "-n", "--numprocesses", "--tx"))]


class _Id(str):
    """A node id as pytest 9.2 keeps it (`item._id`, made by `parse`, read by `str`)."""

    @classmethod
    def parse(cls, text: str) -> _Id:
        return cls(text)


class _Item:
    def __init__(self, nodeid: str, *groups: str) -> None:
        self._id = _Id(nodeid)
        self.groups = groups

    @property
    def nodeid(self) -> str:
        return str(self._id)

    def iter_markers(self, name: str) -> list[SimpleNamespace]:
        assert name == "xdist_group"
        return [SimpleNamespace(args=(group,), kwargs={}) for group in self.groups]


def _collected(*, worker: bool, loadgroup: bool) -> list[str]:
    config = SimpleNamespace(getoption=lambda name, default=None: loadgroup)
    if worker:
        config.workerinput = {"workerid": "gw0"}
    items = [
        _Item("t.py::test_a", "replay"),
        _Item("t.py::test_b"),
        _Item("t.py::test_c@small", "small"),
    ]
    _root_conftest().pytest_collection_modifyitems(config, items)
    return [item.nodeid for item in items]


def test_a_worker_puts_the_group_in_the_ids_the_scheduler_reads() -> None:
    """xdist's LoadGroupScheduling keeps together the ids that end in the same `@group`;
    an id that already ends so (xdist did it) is left alone."""
    assert _collected(worker=True, loadgroup=True) == [
        "t.py::test_a@replay",
        "t.py::test_b",
        "t.py::test_c@small",
    ]
    assert _collected(worker=True, loadgroup=False) == [
        "t.py::test_a",
        "t.py::test_b",
        "t.py::test_c@small",
    ]
    assert _collected(worker=False, loadgroup=True)[0] == "t.py::test_a"


def test_a_worker_hands_out_the_costliest_files_first_and_keeps_the_rest_in_order() -> None:
    """The two workers end together only if the long child runs start early: a worker puts
    the files of COSTLY_FIRST first, in that order; everything else keeps its place."""
    conftest = _root_conftest()
    costly = conftest.COSTLY_FIRST
    config = SimpleNamespace(getoption=lambda name, default=None: False, workerinput={})
    items = [
        _Item("features/linux/test_linux.py::test_x"),
        _Item(f"{costly[1]}::test_y"),
        _Item("tests/fakes/test_ram.py::test_z"),
        _Item(f"{costly[0]}::test_w"),
        _Item("features/linux/test_linux.py::test_v"),
    ]
    conftest.pytest_collection_modifyitems(config, items)
    assert [item.nodeid.split("::")[1] for item in items] == [
        "test_w",
        "test_y",
        "test_x",
        "test_z",
        "test_v",
    ]


def test_every_costly_file_named_exists() -> None:
    """A file renamed or removed leaves COSTLY_FIRST: say so, rather than balance by a stale
    list."""
    costly = _root_conftest().COSTLY_FIRST
    assert len(set(costly)) == len(costly)
    assert [path for path in costly if not (ROOT / path).is_file()] == []


def test_the_memory_folder_is_chosen_only_with_room_to_spare(tmp_path, monkeypatch):
    """A /dev/shm too small for the suite's folders (a container's 64 MB) is passed over."""
    conftest = _root_conftest()
    monkeypatch.setattr(conftest, "MEMORY_TMP_ROOM", 0)
    assert conftest._roomy(tmp_path)
    monkeypatch.setattr(conftest, "MEMORY_TMP_ROOM", 1 << 62)
    assert not conftest._roomy(tmp_path)
    assert not conftest._roomy(tmp_path / "absent")
