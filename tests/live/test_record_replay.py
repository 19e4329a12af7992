"""Record the spec against a stand-in account, stop it, and replay: the spec passes from the
cassettes alone, with no network, no settings and no credentials. Canary secrets planted in the
account (the keys the test made, the Windows password, the keys the run made) appear in nothing
the runs wrote: cassettes, settings, ledger, report, log, output."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from harness.backends.standin import holdings, isolated_env
from tests._support import SECRETS_MADE, SPY

from ._support import held, output, run_pytest, spec_scenarios


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
    env = account.environment(tmp_path, RUNAS_CASSETTES=str(cassettes))
    env["PYTHONPATH"] += f"{':'}{spy}"
    recorded = run_pytest(
        "features",
        "--backend",
        "record",
        "-p",
        "canary_spy",
        "-o",
        f"cache_dir={cache}",
        "-rA",
        f"--junitxml={out / 'record.xml'}",
        f"--log-file={out / 'record.log'}",
        "--log-file-level=DEBUG",
        "--recorded-against",
        "a stand-in in a test",
        env=env,
        timeout=300,  # the whole spec, paths to root included, on a loaded CI box
    )
    (out / "record.out").write_text(recorded.stdout + recorded.stderr)
    assert recorded.returncode == 0, output(recorded)
    assert held(recorded.stdout) == spec_scenarios(), recorded.stdout[-500:]
    state = account.state()
    assert holdings(state) == before  # record is live: it leaves nothing behind

    server.stop()  # the replay has nothing to talk to
    replayed = run_pytest(
        "features",
        "--backend",
        "replay",
        "-p",
        "no:cacheprovider",
        "-rA",
        f"--junitxml={out / 'replay.xml'}",
        f"--log-file={out / 'replay.log'}",
        "--log-file-level=DEBUG",
        env=isolated_env(tmp_path, RUNAS_CASSETTES=str(cassettes)),
        timeout=300,  # the whole spec on a loaded CI machine; a guard against hangs
    )
    (out / "replay.out").write_text(replayed.stdout + replayed.stderr)
    assert replayed.returncode == 0, output(replayed)
    assert held(replayed.stdout) == spec_scenarios(), replayed.stdout[-500:]
    assert "cassettes recorded against a stand-in in a test" in replayed.stdout
    assert "as recorded against a stand-in in a test" in replayed.stdout

    made = (spy / SECRETS_MADE).read_text().split()
    assert len(made) >= 40
    canaries = [account.root.secret, account.administrator.secret, account.windows_password, *made]
    files = _written(cassettes, cache, out)
    assert len([p for p in files if p.suffix == ".yaml"]) == spec_scenarios()
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
