"""Record the spec against a stand-in account, stop it, and replay: the spec passes from the
cassettes alone, with no network, no settings and no credentials. Canary secrets planted in the
account (the keys the test made, the Windows password, the keys the run made) appear in nothing
the runs wrote: cassettes, settings, ledger, report, log, output.

The round trip runs the first scenario of every feature file (one per file: every product the
spec calls, Linux and Windows, the fleet, each path to root, refusals and findings), not all of
them: the whole spec's record -> replay is what the committed cassettes prove on every run
(`python -m harness record-against-fake` records them, tests/live/test_committed_cassettes.py
replays all of them offline)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from harness.backends.standin import holdings, isolated_env
from tests._support import SECRETS_MADE, SPY

from ._support import ROOT, held, output, run_pytest

#: A plugin for the child runs: keeps the first scenario of each feature file (pytest-bdd names
#: a scenario's test `<feature>: <scenario>` in its docstring), deselects the others.
FIRST_OF_EACH_FEATURE = """
def pytest_collection_modifyitems(config, items):
    seen, kept, dropped = set(), [], []
    for item in items:
        feature = (item.function.__doc__ or "").split(": ", 1)[0]
        (dropped if feature in seen else kept).append(item)
        seen.add(feature)
    items[:] = kept
    config.hook.pytest_deselected(items=dropped)
"""


def _feature_files() -> int:
    return len(list((ROOT / "features").rglob("*.feature")))


def _written(*folders: Path) -> dict[Path, str]:
    return {
        p: p.read_text(errors="replace")
        for folder in folders
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_record_then_replay_offline_and_no_secret_is_written(server, account, before, tmp_path):
    cassettes, cache, out = tmp_path / "cassettes", tmp_path / "cache", tmp_path / "out"
    spy = tmp_path / "spy"
    for folder in (cassettes, out, spy):
        folder.mkdir()
    (spy / "canary_spy.py").write_text(SPY)
    (spy / "first_of_each_feature.py").write_text(FIRST_OF_EACH_FEATURE)
    env = account.environment(tmp_path, RUNAS_CASSETTES=str(cassettes))
    env["PYTHONPATH"] += f"{':'}{spy}"
    recorded = run_pytest(
        "features",
        "--backend",
        "record",
        "-p",
        "canary_spy",
        "-p",
        "first_of_each_feature",
        "-o",
        f"cache_dir={cache}",
        "-rA",
        f"--junitxml={out / 'record.xml'}",
        f"--log-file={out / 'record.log'}",
        "--log-file-level=DEBUG",
        "--recorded-against",
        "a stand-in in a test",
        env=env,
        timeout=300,  # a guard against hangs on a loaded CI box
    )
    (out / "record.out").write_text(recorded.stdout + recorded.stderr)
    assert recorded.returncode == 0, output(recorded)
    assert held(recorded.stdout) == _feature_files(), recorded.stdout[-500:]
    state = account.state()
    assert holdings(state) == before  # record is live: it leaves nothing behind

    server.stop()  # the replay has nothing to talk to
    replay_env = isolated_env(tmp_path, RUNAS_CASSETTES=str(cassettes))
    replay_env["PYTHONPATH"] = ":".join(filter(None, [replay_env.get("PYTHONPATH"), str(spy)]))
    replayed = run_pytest(
        "features",
        "--backend",
        "replay",
        "-p",
        "no:cacheprovider",
        "-p",
        "first_of_each_feature",
        "-rA",
        f"--junitxml={out / 'replay.xml'}",
        f"--log-file={out / 'replay.log'}",
        "--log-file-level=DEBUG",
        env=replay_env,
        timeout=300,  # a guard against hangs on a loaded CI machine
    )
    (out / "replay.out").write_text(replayed.stdout + replayed.stderr)
    assert replayed.returncode == 0, output(replayed)
    assert held(replayed.stdout) == _feature_files(), replayed.stdout[-500:]
    assert "cassettes recorded against a stand-in in a test" in replayed.stdout
    assert "as recorded against a stand-in in a test" in replayed.stdout

    made = (spy / SECRETS_MADE).read_text().split()
    assert len(made) >= _feature_files()  # each scenario makes its commandUser's key
    canaries = [account.root.secret, account.administrator.secret, account.windows_password, *made]
    files = _written(cassettes, cache, out)
    assert len([p for p in files if p.suffix == ".yaml"]) == _feature_files()
    leaks = [(p.name, c[:6]) for p, text in files.items() for c in canaries if c in text]
    assert not leaks
    for text in files.values():
        assert "Authorization" not in text
        assert "authorization" not in text
        assert "x-acs-signature-nonce" not in text
        assert "Signature=" not in text
    cassette = yaml.safe_load(next(cassettes.rglob("*.yaml")).read_text())
    assert cassette["recorded"]["against"] == "a stand-in in a test"
    assert cassette["recorded"]["sdk"]["alibabacloud-ecs20140526"]
    assert state["AccountId"] not in "".join(files.values())


def test_a_scenario_without_its_cassette_says_how_to_record_it(tmp_path):
    cassettes = tmp_path / "cassettes"
    cassettes.mkdir()
    (cassettes / "settings.toml").write_text(
        'region = "cn-hangzhou"\nlinux_instance = "i-x"\n\n[recorded]\nmode = "provision"\n'
    )
    run = run_pytest(
        "features/linux",
        "--backend",
        "replay",
        "-p",
        "no:cacheprovider",
        "-k",
        "approved_user_runs and user01",
        env=isolated_env(tmp_path, RUNAS_CASSETTES=str(cassettes)),
    )
    assert run.returncode == 1, output(run)
    cassette = "linux/allowlist/an_approved_user_runs_a_command_as_themselves-user01.yaml"
    assert re.search(
        rf"HarnessError: no cassette `.*{cassette}` to replay: record the scenario with "
        "--backend record",
        run.stdout,
    )
