"""The ledger, in memory and as a file: written ahead of every create, confirmed or abandoned
after, readable after a kill tore its last line, and free of secrets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.backends.fake import FakeBackend
from harness.config.settings import parse
from harness.errors import HarnessError
from harness.provisioning.ledger import CleanupLedger, LedgerFile, Resource, UnwindAborted
from harness.sdk.gateway import Refusal
from harness.world import World

ROOT = Path(__file__).resolve().parents[2]

USER = Resource("user", "runas-1a2b3c4d-commandUser")
POLICY = Resource("policy", "runas-1a2b3c4d-commandUserPolicy")
COMMAND = Resource("command", "runas-1a2b3c4d-probe", "commandUser", "cn-hangzhou")


def refused() -> Refusal:
    return Refusal("CreatePolicy", "EntityAlreadyExists.Policy", "exists", 409, "req-1")


def test_an_intent_never_confirmed_is_still_outstanding(tmp_path: Path) -> None:
    """A create interrupted between the two writes is still removed, by its recorded name."""
    ledger = CleanupLedger(file=LedgerFile(tmp_path / "run.jsonl"), scenario="s")
    ledger.create(USER, lambda: "made")
    ledger.intend(POLICY)  # the process dies here, inside CreatePolicy
    assert [r for _, r in LedgerFile(tmp_path / "run.jsonl").outstanding()] == [USER, POLICY]
    assert list(ledger) == [USER, POLICY]


def test_a_refused_create_is_abandoned(tmp_path: Path) -> None:
    ledger = CleanupLedger(file=LedgerFile(tmp_path / "run.jsonl"), scenario="s")

    def create() -> str:
        raise refused()

    with pytest.raises(Refusal):
        ledger.create(POLICY, create)
    assert list(ledger) == []
    assert LedgerFile(tmp_path / "run.jsonl").outstanding() == []


def test_a_create_whose_answer_names_it_is_confirmed_as_answered(tmp_path: Path) -> None:
    """A saved command goes in by name, and its id joins it once CreateCommand answers."""
    ledger = CleanupLedger(file=LedgerFile(tmp_path / "run.jsonl"), scenario="s")
    with_id = Resource(
        COMMAND.kind, COMMAND.name, COMMAND.owner, COMMAND.region, {"CommandId": "c-1"}
    )
    ledger.create(COMMAND, lambda: "c-1", lambda answer: with_id)
    assert list(ledger) == [with_id]
    assert [r for _, r in LedgerFile(tmp_path / "run.jsonl").outstanding()] == [with_id]


def test_an_answer_that_made_nothing_is_abandoned(tmp_path: Path) -> None:
    ledger = CleanupLedger(file=LedgerFile(tmp_path / "run.jsonl"), scenario="s")
    ledger.create(COMMAND, lambda: "failed", lambda answer: None)
    assert list(ledger) == []
    assert LedgerFile(tmp_path / "run.jsonl").outstanding() == []


def test_unwind_removes_newest_first_and_writes_each_removal(tmp_path: Path) -> None:
    removed: list[Resource] = []
    ledger = CleanupLedger(removed.append, LedgerFile(tmp_path / "run.jsonl"), "s")
    for resource in (USER, POLICY, COMMAND):
        ledger.create(resource, lambda: None)
    assert ledger.unwind() == []
    assert removed == [COMMAND, POLICY, USER]
    assert LedgerFile(tmp_path / "run.jsonl").outstanding() == []


def test_a_ctrl_c_during_unwind_says_what_is_left(tmp_path: Path) -> None:
    """The second Ctrl-C: what was not removed (also what could not be, before it) stays
    outstanding, in the file and in the error."""
    key = Resource("access_keys", USER.name)

    def remove(resource: Resource) -> None:
        if resource == COMMAND:
            raise refused()
        if resource == POLICY:
            raise KeyboardInterrupt

    ledger = CleanupLedger(remove, LedgerFile(tmp_path / "run.jsonl"), "s")
    for resource in (USER, POLICY, key, COMMAND):
        ledger.create(resource, lambda: None)
    with pytest.raises(UnwindAborted) as aborted:
        ledger.unwind()
    assert isinstance(aborted.value, KeyboardInterrupt)
    assert aborted.value.left == [POLICY, USER, COMMAND]
    outstanding = [r for _, r in LedgerFile(tmp_path / "run.jsonl").outstanding()]
    assert outstanding == [USER, POLICY, COMMAND]


def test_a_torn_last_line_is_ignored_and_cut_before_the_next_event(tmp_path: Path) -> None:
    """A kill while writing leaves half a line: reading ignores it (its create had not
    started), and the next write (cleanup's `removed`) does not glue itself to it."""
    path = tmp_path / "run.jsonl"
    ledger = CleanupLedger(file=LedgerFile(path), scenario="s")
    entry = ledger.intend(USER)
    ledger.confirm(entry)
    whole = path.read_text()
    path.write_text(whole + '{"at": "2026-12-01T08:00:00+00:00", "event": "inten')
    assert [r for _, r in LedgerFile(path).outstanding()] == [USER]

    LedgerFile(path).write({"event": "removed", "entry": entry})
    assert LedgerFile(path).outstanding() == []
    lines = path.read_text().splitlines()
    assert [json.loads(line)["event"] for line in lines] == ["intended", "created", "removed"]


def test_a_broken_line_before_the_last_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    path.write_text('not json\n{"event": "removed", "entry": "s#1"}\n')
    with pytest.raises(HarnessError) as error:
        LedgerFile(path).outstanding()
    assert str(error.value) == f"ledger `{path}` line 1 is not a ledger event: `not json`"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """A provisioning world on the in-process fake whose ledger is also a file, as in a live
    run."""
    settings = parse({"backend": "fake"}, root=ROOT)
    backend = FakeBackend(settings)
    state = World(settings, backend, backend.start())
    state.ledger.file = LedgerFile(tmp_path / "run.jsonl")
    state.ledger.scenario = "tests/provisioning::canary"
    yield state
    backend.stop()


def test_the_ledger_file_holds_no_secret(world: World, tmp_path: Path) -> None:
    """Everything the Windows setup creates goes through the ledger; none of the secrets it
    handles (a planted logon password, the new AccessKey's secret, the administrator's)
    reaches the file, which holds names and ids only."""
    canary = "CANARY-logon-password-5f3a9c"
    instance = world.add_instance("Windows", ["user01"])
    world.scene.passwords["user01"] = canary
    provisioner = world.provisioner
    provisioner.password_parameter("axtSecretPassword", "user01", "cn-hangzhou", wrong=False)
    provisioner.instance_role("AxtSecretRamRole", "AxtSecretRamRolePolicy", instance, "cn-hangzhou")
    user = provisioner.create_user("commandUser", ["commandUserPolicy.denylist", "kmsPolicy"])
    world.scene.principals["commandUser"] = user
    world.runner("commandUser").save("probe", "whoami")

    text = (tmp_path / "run.jsonl").read_text()
    secrets = [canary, user.key.secret, world.account.administrator.key.secret]
    assert [s for s in secrets if s in text] == []
    kinds = {r.kind for _, r in LedgerFile(tmp_path / "run.jsonl").outstanding()}
    assert kinds == {
        "parameter",
        "role",
        "policy",
        "role_policy",
        "instance_role",
        "user",
        "user_policy",
        "access_key",
        "command",
    }
    assert world.ledger.unwind() == []
    assert LedgerFile(tmp_path / "run.jsonl").outstanding() == []
