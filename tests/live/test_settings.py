"""Settings of a live run: command line over environment over the TOML file over defaults;
every one listed by `pytest --help`; and a run that lacks some fails before any call, naming
all of them in one message with how to give each."""

from __future__ import annotations

import pytest

from harness.config.settings import OPTIONS, from_config
from tests._support import runpytest_child

from ._support import clean_env, output, run_pytest, small_spec

pytest_plugins = ["pytester"]


def _settings(pytester, *args):
    return from_config(pytester.parseconfig("-p", "harness.plugin", *args))


def test_command_line_beats_environment_beats_file_beats_default(pytester, monkeypatch):
    for option in OPTIONS:
        monkeypatch.delenv(option.env, raising=False)
    config = pytester.path / "runas.toml"
    config.write_text(
        'region = "cn-beijing"\n'
        'linux_instance = "i-fromfile"\n'
        'run_as_users = ["alice", "bob"]\n'
        "poll_interval = 2\n"
    )
    monkeypatch.setenv("RUNAS_LINUX_INSTANCE", "i-fromenv")
    chosen = _settings(pytester, "--runas-config", str(config), "--region", "cn-shenzhen")
    assert chosen.region == "cn-shenzhen"  # command line
    assert chosen.linux_instance == "i-fromenv"  # environment over the file
    assert chosen.run_as_users == ("alice", "bob")  # the file, a TOML list
    assert chosen.poll_interval == 2.0
    assert chosen.windows_password_parameter == "axtSecretPassword"  # default
    monkeypatch.setenv("RUNAS_CONFIG", str(config))
    assert _settings(pytester).region == "cn-beijing"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('colour = "blue"\n', "unknown key `colour`"),
        ("region = [1, 2]\n", "`region` must be a string"),
        ("region = \n", "is not TOML"),
    ],
)
def test_a_bad_settings_file_is_named(pytester, text, says):
    config = pytester.path / "runas.toml"
    config.write_text(text)
    with pytest.raises(pytest.UsageError, match=says):
        _settings(pytester, "--runas-config", str(config))


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--prefix", "aliyun-x"), "prefix `aliyun-x` cannot start RAM and OOS names"),
        (("--prefix", "run as"), "prefix `run as` cannot start"),
        (("--endpoint", "http://127.0.0.1:1"), "--endpoint redirects a live run"),
        (("--poll-interval", "soon"), "--poll-interval `soon` is not a number of seconds"),
        (("--run-as-users", "user01,root"), "`root` is both a user to run as"),
        # an empty list would make every check over it hold for nobody
        (("--refused-users", ""), "--refused-users names nobody.*RUNAS_REFUSED_USERS"),
        (("--run-as-users", ","), "--run-as-users names nobody.*RUNAS_RUN_AS_USERS"),
    ],
)
def test_bad_values_are_refused_with_the_fix(pytester, args, says):
    with pytest.raises(pytest.UsageError, match=says):
        _settings(pytester, *args)


def test_help_lists_every_setting_with_its_environment_twin(pytester):
    result = runpytest_child(pytester, "-p", "harness.plugin", "--help")
    text = " ".join(result.stdout.str().split())
    assert "--runas-config=FILE" in text
    for option in OPTIONS:
        assert f"{option.flag}={option.metavar}" in text
        assert f"[env {option.env}]" in text


def test_a_live_run_names_everything_missing_in_one_message_before_any_call(tmp_path):
    small_spec(
        tmp_path,
        """
        @windows
        Feature: a Windows scenario
          Scenario: one
            Given a Windows instance with the regular user "user01"
        """,
    )
    run = run_pytest(
        "--backend", "live", "-p", "no:cacheprovider", env=clean_env(tmp_path), cwd=tmp_path
    )
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, output(run)
    [line] = [x for x in run.stderr.splitlines() if x.startswith("ERROR:")]
    assert "backend `live` cannot start, 3 setting(s) missing" in line
    assert (
        "(1) the Windows instance id (--windows-instance, RUNAS_WINDOWS_INSTANCE or "
        "`windows_instance` in --runas-config" in line
    )
    assert "(2) commandUser: no credentials from the default credentials chain" in line
    assert "set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET" in line
    assert "RUNAS_ADMIN_ACCESS_KEY_ID" in line
    assert "(3) verify mode: commandUser's policies" in line
    assert "Linux instance" not in line  # no Linux scenario was selected


def test_half_an_administrator_key_is_named(tmp_path):
    small_spec(
        tmp_path,
        """
        @linux
        Feature: a Linux scenario
          Scenario: one
            Given a Linux instance with the regular users "user01" and "user02"
        """,
    )
    env = clean_env(
        tmp_path, RUNAS_ADMIN_ACCESS_KEY_ID="LTAI-only-the-id", RUNAS_LINUX_INSTANCE="i-x"
    )
    run = run_pytest("--backend", "live", "-p", "no:cacheprovider", env=env, cwd=tmp_path)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, output(run)
    assert (
        "1 setting(s) missing: (1) the administrator: no credentials from "
        "RUNAS_ADMIN_ACCESS_KEY_ID and RUNAS_ADMIN_ACCESS_KEY_SECRET (only one is set)"
        in run.stderr
    )


def test_a_profile_gives_commandusers_credentials(tmp_path):
    """The standard chain's INI profiles: `--command-user-profile` names the section."""
    (tmp_path / "credentials.ini").write_text(
        "[tester]\ntype = access_key\naccess_key_id = LTAI-profile\n"
        "access_key_secret = s3cr3t-profile\n"
    )
    small_spec(
        tmp_path,
        """
        @linux
        Feature: a Linux scenario
          Scenario: one
            Given a Linux instance with the regular users "user01" and "user02"
        """,
    )
    env = clean_env(tmp_path, ALIBABA_CLOUD_CREDENTIALS_FILE=str(tmp_path / "credentials.ini"))
    args = ("--backend", "live", "-p", "no:cacheprovider", "--linux-instance", "i-x")
    named = run_pytest(*args, "--command-user-profile", "tester", env=env, cwd=tmp_path)
    assert "commandUser: no credentials" not in named.stderr  # found: only the policies lack
    assert "(1) verify mode: commandUser's policies" in named.stderr
    unknown = run_pytest(*args, "--command-user-profile", "nobody", env=env, cwd=tmp_path)
    assert "commandUser: no credentials from profile `nobody`" in unknown.stderr
    assert "s3cr3t" not in named.stdout + named.stderr + unknown.stdout + unknown.stderr
