"""The guest knows privilege: sudo rules, groups, uid-0 aliases, files, and the Windows
Administrators group, seen through RunCommand output with the official SDK."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_ecs20140526 import models as m
from alibabacloud_ecs20140526.client import Client as EcsClient

from fakes import FakeCloud, control

from ._ca import REGION, ran, result, run


@pytest.fixture
def ops(cloud: FakeCloud) -> str:
    return cloud.add_instance(
        users=["user01", "ops", "dev"],
        sudoers={"ops": "NOPASSWD:ALL", "dev": "ALL"},
        groups={"dev": ["sudo", "docker"]},
        root_aliases=["toor"],
    )


def test_passwordless_sudo_runs_as_root(ecs: EcsClient, ops: str) -> None:
    assert ran(ecs, ops, "sudo -n whoami", username="ops") == ("root\n", 0)
    assert ran(ecs, ops, "sudo -n -l", username="ops")[0].endswith("(ALL) NOPASSWD: ALL\n")


def test_a_rule_with_a_password_and_no_rule_both_need_a_password(ecs: EcsClient, ops: str) -> None:
    for user in ("dev", "user01"):
        assert ran(ecs, ops, "sudo -n true", username=user) == (
            "sudo: a password is required\n",
            1,
        )


def test_id_names_the_groups_and_uid(ecs: EcsClient, ops: str) -> None:
    assert ran(ecs, ops, "id -Gn", username="dev") == ("dev sudo docker\n", 0)
    assert ran(ecs, ops, "id -u", username="user01") == ("1000\n", 0)
    out, _ = ran(ecs, ops, "id", username="user01")
    assert out == "uid=1000(user01) gid=1000(user01) groups=1000(user01)\n"


def test_a_uid_0_alias_is_root(ecs: EcsClient, ops: str) -> None:
    assert ran(ecs, ops, "whoami; id -u", username="toor") == ("root\n0\n", 0)
    passwd, _ = ran(ecs, ops, "cat /etc/passwd", username="user01")
    assert [line.split(":")[0] for line in passwd.splitlines() if ":0:" in line][:2] == [
        "root",
        "toor",
    ]


def test_files_have_owner_group_and_mode(ecs: EcsClient, ops: str) -> None:
    assert ran(ecs, ops, "stat -c '%U %G %a' /etc/sudoers", username="user01") == (
        "root root 440\n",
        0,
    )
    assert ran(ecs, ops, "cat /etc/shadow", username="user01") == (
        "cat: /etc/shadow: Permission denied\n",
        1,
    )
    assert ran(ecs, ops, "ls /etc/sudoers.d", username="user01")[1] == 2
    assert ran(ecs, ops, "ls /etc/sudoers.d", username="root") == ("dev\nops\n", 0)
    assert ran(ecs, ops, "test -e /etc/sudoers", username="user01")[1] == 0
    assert ran(ecs, ops, "test -e /etc/nothing", username="user01")[1] == 1


def test_an_option_the_fake_does_not_know_is_refused_by_name(ecs: EcsClient, ops: str) -> None:
    out, code = ran(ecs, ops, "ls -l /etc", username="user01")
    assert code == 2
    assert "does not model" in out


def test_windows_administrators_hold_the_built_in_administrator(
    cloud: FakeCloud, ecs: EcsClient
) -> None:
    win = cloud.add_instance(os="windows", users={"user02": "Pw-1"}, administrators=["user02"])
    out, code = ran(ecs, win, "net localgroup Administrators", type="RunPowerShellScript")
    assert code == 0
    assert "Administrator\nuser02\n" in out
    assert cloud.guest(win).is_administrator("user02")
    assert cloud.guest(win).canonical_user("administrator") == "Administrator"


def test_privilege_that_does_not_fit_the_os_is_refused(cloud: FakeCloud) -> None:
    with pytest.raises(ValueError, match="administrators"):
        cloud.add_instance(os="linux", administrators=["user01"])
    with pytest.raises(ValueError, match="unknown sudoers rule"):
        cloud.add_instance(users=["ops"], sudoers={"ops": "NOPASSWD: sh"})


def test_the_control_plane_takes_the_same_fields(cloud: FakeCloud, ecs: EcsClient) -> None:
    body = {"os": "linux", "users": ["ops"], "sudoers": {"ops": "NOPASSWD:ALL"}}
    answer = control.answer(cloud, "POST", "/_fake/instances", json.dumps(body).encode())
    assert answer.status == 200
    instance = json.loads(answer.body)["InstanceId"]
    assert ran(ecs, instance, "sudo -n whoami", username="ops") == ("root\n", 0)
    bad = control.answer(cloud, "POST", "/_fake/instances", b'{"sudoers": []}')
    assert bad.status == 400


def test_session_manager_used_means_ecs_assist_user_is_a_sudoer(
    cloud: FakeCloud, ecs: EcsClient
) -> None:
    fresh = cloud.add_instance(users=["user01"])
    used = cloud.add_instance(users=["user01"], session_manager_used=True)
    assert ran(ecs, fresh, "whoami", username="ecs-assist-user")[0] == ""
    assert ran(ecs, used, "sudo -n whoami", username="ecs-assist-user") == ("root\n", 0)


def test_a_rule_limited_to_one_command_is_listed_by_sudo_l_without_a_password(
    cloud: FakeCloud, ecs: EcsClient
) -> None:
    """`sudo -n true` is refused, yet `sudo -n -l` lists the passwordless rule (sudoers'
    `listpw=any`), as real sudo does; a rule with a password lists nothing without one."""
    limited = cloud.add_instance(users=["user01"], sudoers={"user01": "NOPASSWD: /bin/bash"})
    out, status = ran(ecs, limited, "sudo -n -l", username="user01")
    assert (status, out.splitlines()[-1]) == (0, "    (ALL) NOPASSWD: /bin/bash")
    assert ran(ecs, limited, "sudo -n true", username="user01") == (
        "sudo: a password is required\n",
        1,
    )
    with_password = cloud.add_instance(users=["user01"], sudoers={"user01": "ALL"})
    assert ran(ecs, with_password, "sudo -n -l", username="user01") == (
        "sudo: a password is required\n",
        1,
    )


def _send_passwd(
    ecs: EcsClient, instance: str, passwd: str, name: str = "passwd", **where: str
) -> None:
    """SendFile over /etc/passwd (or another file, `target_dir`, `file_owner` and `file_mode`
    as given), then a read so that it is written."""
    invoke_id = ecs.send_file(
        m.SendFileRequest(
            region_id=REGION,
            instance_id=[instance],
            name=name,
            target_dir=where.pop("target_dir", "/etc"),
            content=passwd,
            overwrite=True,
            **where,
        )
    ).body.invoke_id
    [row] = _file_rows_until_written(ecs, invoke_id)
    assert row.invocation_status == "Success"


def _file_rows_until_written(ecs: EcsClient, invoke_id: str) -> list[Any]:
    for _ in range(5):
        found = ecs.describe_send_file_results(
            m.DescribeSendFileResultsRequest(region_id=REGION, invoke_id=invoke_id)
        ).body.invocations.invocation
        rows = list(found[0].invoke_instances.invoke_instance)
        if rows[0].invocation_status not in ("Pending", "Running"):
            return rows
    raise AssertionError("SendFile never finished")


def test_who_runs_follows_each_write_of_passwd_at_once(ecs: EcsClient, ops: str) -> None:
    """The guest remembers its reading of /etc/passwd between runs (every run reads it); each
    write there (SendFile, as root) is seen by the very next run: by whoami, by RunCommand's
    account check, and by a user the run-as check had already seen."""
    assert ran(ecs, ops, "whoami", username="user01") == ("user01\n", 0)
    passwd, _ = ran(ecs, ops, "cat /etc/passwd", username="root")
    _send_passwd(ecs, ops, passwd.replace("user01:x:1000:", "user01:x:0:"))
    assert ran(ecs, ops, "whoami; id -u", username="user01") == ("root\n0\n", 0)
    _send_passwd(ecs, ops, passwd.replace("user01:x:1000:1000::", "user03:x:1000:1000::"))
    gone = result(ecs, run(ecs, ops, "whoami", username="user01"))
    assert (gone.invocation_status, gone.error_code) == ("Failed", "AccountNotExists")
    assert ran(ecs, ops, "whoami", username="user03") == ("user03\n", 0)


def test_groups_follow_each_write_of_group_at_once(ecs: EcsClient, ops: str) -> None:
    """The guest remembers its reading of /etc/group between runs (sudo and `id` read it);
    each write there (SendFile, as root) is seen by the very next run: a user put in `wheel`
    is in it, and out of it again once the file no longer says so."""
    assert ran(ecs, ops, "id -Gn", username="user01") == ("user01\n", 0)
    group, _ = ran(ecs, ops, "cat /etc/group", username="root")
    assert "wheel:x:10:\n" in group
    _send_passwd(ecs, ops, group.replace("wheel:x:10:", "wheel:x:10:user01"), name="group")
    assert ran(ecs, ops, "id -Gn", username="user01") == ("user01 wheel\n", 0)
    _send_passwd(ecs, ops, group.replace("user01:x:1000:", "user01:x:1000:dev"), name="group")
    assert ran(ecs, ops, "id -Gn", username="user01") == ("user01\n", 0)
    assert ran(ecs, ops, "id -Gn", username="dev") == ("dev user01 sudo docker\n", 0)


def test_sudo_follows_each_write_of_the_files_it_reads_at_once(ecs: EcsClient, ops: str) -> None:
    """The guest remembers its reading of the sudoers between runs (every sudo reads them);
    each write to any file is seen by the very next sudo: a rule added in /etc/sudoers.d, the
    same file owned by user01 (skipped, with sudo's warning), then user01 made uid 0 in passwd
    (the file's owner is root again, so its rule counts)."""
    assert ran(ecs, ops, "sudo -n whoami", username="user01") == (
        "sudo: a password is required\n",
        1,
    )
    rule = "user01 ALL=(ALL) NOPASSWD: ALL\n"
    _send_passwd(ecs, ops, rule, name="user01", target_dir="/etc/sudoers.d", file_mode="0440")
    assert ran(ecs, ops, "sudo -n whoami", username="user01") == ("root\n", 0)
    _send_passwd(ecs, ops, rule, name="user01", target_dir="/etc/sudoers.d", file_owner="user01")
    out, code = ran(ecs, ops, "sudo -n whoami", username="ops")
    assert (out, code) == (
        "sudo: /etc/sudoers.d/user01 is owned by uid 1000, should be 0\nroot\n",
        0,
    )
    passwd, _ = ran(ecs, ops, "cat /etc/passwd", username="root")
    _send_passwd(ecs, ops, passwd.replace("user01:x:1000:", "user01:x:0:"))
    assert ran(ecs, ops, "sudo -n whoami", username="ops") == ("root\n", 0)
