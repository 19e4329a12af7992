"""The guest's tiny shell, run directly through `fakes.guest.Guest` (a public module of fakes)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fakes.guest as guest_module
from fakes import ExecResult, Execution
from fakes.guest import Guest
from fakes.guest.shell import _split, split_statements


@pytest.fixture
def linux() -> Guest:
    return Guest("linux", "iZbp1abcdefZ", {"user01": None, "user02": None})


@pytest.fixture
def windows() -> Guest:
    return Guest("windows", "WIN-HOST01", {"user01": "Passw0rd!"})


def test_whoami_prints_the_user_it_runs_as(linux: Guest) -> None:
    assert linux.run("whoami", "user01") == ExecResult("user01\n", 0)
    assert linux.run("whoami", "root") == ExecResult("root\n", 0)


@pytest.mark.parametrize("script", ["id -un", "id -u -n", "id -nu"])
def test_id_un_prints_the_user_name(linux: Guest, script: str) -> None:
    assert linux.run(script, "user02") == ExecResult("user02\n", 0)


@pytest.mark.parametrize(
    ("script", "printed"),
    [
        ("echo hello world", "hello world\n"),
        ("echo 'single  quoted'", "single  quoted\n"),
        ('echo "double  quoted"', "double  quoted\n"),
        ('echo "it\'s" \'a "b"\'', 'it\'s a "b"\n'),
        ("echo", "\n"),
    ],
)
def test_echo_prints_its_arguments_with_quotes_removed(
    linux: Guest, script: str, printed: str
) -> None:
    assert linux.run(script, "user01") == ExecResult(printed, 0)


def test_hostname_prints_the_instance_host_name(linux: Guest) -> None:
    assert linux.run("hostname", "user01") == ExecResult("iZbp1abcdefZ\n", 0)


def test_semicolon_and_newline_run_statements_in_order(linux: Guest) -> None:
    result = linux.run("echo one; whoami\nhostname;echo 'a;b'", "user01")

    assert result == ExecResult("one\nuser01\niZbp1abcdefZ\na;b\n", 0)


def test_status_of_a_script_is_that_of_its_last_command(linux: Guest) -> None:
    assert linux.run("false", "user01").exit_code == 1
    assert linux.run("false; true", "user01").exit_code == 0
    assert linux.run("true; false", "user01").exit_code == 1


def test_exit_stops_the_script_with_its_code(linux: Guest) -> None:
    assert linux.run("echo before; exit 3; echo after", "user01") == ExecResult("before\n", 3)


def test_exit_without_code_keeps_the_last_status(linux: Guest) -> None:
    assert linux.run("false\nexit\necho after", "user01") == ExecResult("", 1)


def test_exit_code_wraps_at_256(linux: Guest) -> None:
    assert linux.run("exit 300", "user01").exit_code == 44


def test_comments_are_ignored(linux: Guest) -> None:
    script = "# a comment\necho shown # trailing comment\n   # indented comment"

    assert linux.run(script, "user01") == ExecResult("shown\n", 0)


def test_semicolon_inside_a_comment_does_not_start_a_command(linux: Guest) -> None:
    assert linux.run("# harmless; whoami", "user01") == ExecResult("", 0)


def test_hash_inside_a_word_is_not_a_comment(linux: Guest) -> None:
    assert linux.run("echo a#b '#c'", "user01") == ExecResult("a#b #c\n", 0)


def test_empty_script_succeeds_with_no_output(linux: Guest) -> None:
    assert linux.run("", "user01") == ExecResult("", 0)
    assert linux.run("\n  \n;;\n", "user01") == ExecResult("", 0)


def test_unbalanced_quote_is_a_syntax_error_with_exit_2(linux: Guest) -> None:
    result = linux.run("echo first\necho 'unbalanced\necho never", "user01")

    assert result.exit_code == 2
    assert result.output.startswith("first\n")
    assert "line 2" in result.output
    assert "syntax error" in result.output
    assert "never" not in result.output


def test_unknown_command_fails_with_127_and_command_not_found(linux: Guest) -> None:
    result = linux.run("whoami\nfrobnicate --now", "user01")

    assert result == ExecResult("user01\nbash: line 2: frobnicate: command not found\n", 127)


def test_every_run_is_recorded_in_history(linux: Guest) -> None:
    linux.run("whoami", "user01")
    linux.run("exit 1", "root")

    assert linux.history == [("user01", "whoami"), ("root", "exit 1")]


def test_history_keeps_the_latest_runs_and_counts_the_ones_before(
    linux: Guest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(guest_module, "HISTORY_KEPT", 3)
    ran = [("user01" if n % 2 else "root", f"echo {n}") for n in range(14)]
    for user, script in ran:
        linux.run(script, user)

    kept = len(linux.history)
    assert 3 <= kept < 6
    assert linux.history == ran[-kept:]  # the latest, in order, none left out
    assert linux.earlier_runs == len(ran) - kept


def test_linux_default_user_is_root_and_user_names_are_case_sensitive(linux: Guest) -> None:
    assert linux.default_user == "root"
    assert linux.canonical_user("user01") == "user01"
    assert linux.canonical_user("root") == "root"
    assert linux.canonical_user("USER01") is None
    assert linux.canonical_user("user99") is None


def test_windows_whoami_prints_host_backslash_user(windows: Guest) -> None:
    assert windows.run("whoami", "user01") == ExecResult("win-host01\\user01\n", 0)


def test_windows_system_whoami_prints_nt_authority(windows: Guest) -> None:
    assert windows.run("whoami", "System") == ExecResult("nt authority\\system\n", 0)


def test_windows_unknown_command_is_not_recognized(windows: Guest) -> None:
    result = windows.run("frobnicate", "user01")

    assert result.exit_code == 1
    assert result.output == (
        "'frobnicate' is not recognized as an internal or external command,\n"
        "operable program or batch file.\n"
    )


def test_windows_user_names_ignore_case(windows: Guest) -> None:
    assert windows.default_user == "System"
    assert windows.canonical_user("USER01") == "user01"
    assert windows.canonical_user("system") == "System"
    assert windows.password_matches("user01", "Passw0rd!")
    assert not windows.password_matches("user01", "passw0rd!")


def test_registered_handler_gets_args_user_host_and_os(linux: Guest) -> None:
    seen: list[Execution] = []

    def deploy(execution: Execution) -> ExecResult:
        seen.append(execution)
        return ExecResult("deployed\n", 5)

    result = linux.run("deploy 'v 2' --fast; echo after", "user01", {"deploy": deploy})

    assert result == ExecResult("deployed\nafter\n", 0)
    assert seen == [Execution(("deploy", "v 2", "--fast"), "user01", "iZbp1abcdefZ", "linux")]


def test_registered_handler_can_fail_the_script(linux: Guest) -> None:
    def broken(execution: Execution) -> ExecResult:
        return ExecResult("boom", 5)

    assert linux.run("broken", "user01", {"broken": broken}) == ExecResult("boom\n", 5)


def test_registered_handler_overrides_a_builtin(linux: Guest) -> None:
    def whoami(execution: Execution) -> ExecResult:
        return ExecResult("someone-else", 0)

    assert linux.run("whoami", "user01", {"whoami": whoami}).output == "someone-else\n"


def test_an_account_read_is_forgotten_when_passwd_is_written_again(linux: Guest) -> None:
    """The guest remembers its last reading of /etc/passwd; a write there is seen at once."""
    guest = linux
    assert guest.run("whoami", "user01").output == "user01\n"
    passwd = guest.files.text("/etc/passwd").replace("user01:x:1000:", "user01:x:0:")
    assert passwd != guest.files.text("/etc/passwd")
    guest.files.write("/etc/passwd", passwd.encode())
    assert guest.run("whoami", "user01").output == "root\n"  # uid 0: the first uid-0 name
    guest.files.write("/etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n")
    assert guest.accounts.user("user01") is None
    assert [a.name for a in guest.accounts.users()] == ["root"]


def test_root_alone_reads_the_shadow_file_and_a_new_password_changes_it_at_the_next_start(
    linux: Guest,
) -> None:
    refused = linux.run("sha256sum /etc/shadow", "user01")
    assert refused == ExecResult("sha256sum: /etc/shadow: Permission denied\n", 1)
    before = linux.run("sha256sum /etc/shadow", "root").output
    linux.set_password("root", "Chosen-Pw1!")
    assert linux.run("sha256sum /etc/shadow", "root").output == before  # not before the start
    linux.start()
    after = linux.run("sha256sum /etc/shadow", "root")
    assert after.exit_code == 0
    assert after.output.endswith("  /etc/shadow\n")
    assert after.output != before
    assert linux.password_matches("root", "Chosen-Pw1!")


_LINE_BREAKS = "\n\r\x0b\x0c\x1c\u2028"


@given(
    st.one_of(
        st.text(alphabet=st.sampled_from(f"ab -\t{_LINE_BREAKS}"), max_size=30),
        st.text(alphabet=st.sampled_from(f"ab ;#'\"\\{_LINE_BREAKS}"), max_size=30),
    )
)
def test_a_script_splits_the_same_with_or_without_the_fast_path(script: str) -> None:
    """A script with nothing to look for within its lines skips the character walk; the
    statements are the walk's all the same."""
    assert list(split_statements(script)) == list(_split(script))
