"""The Node.js V3 SDK (`@alicloud/ecs20140526`, `@alicloud/ram20150501`,
`@alicloud/openapi-client`) against the fake cloud server: RAM sets up commandUser, who runs a
command as user01 and is refused as root by ECS and by RAM (node/run_as.js).

The packages come from `RUNAS_NODE_MODULES` (.ci/run installs them outside the repo), else they
are installed once into the gitignored node/node_modules. Skipped only when `node` is absent."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fakes import serve

from .conftest import GUIDE_POLICIES

NODE = Path(__file__).resolve().parent / "node"


@pytest.fixture(scope="session")
def node_modules() -> Path:
    if shutil.which("node") is None:
        pytest.skip("`node` is not on PATH: the Node.js SDK cannot be tried here")
    given = os.environ.get("RUNAS_NODE_MODULES")
    if given:
        return Path(given)
    local = NODE / "node_modules"
    if not (local / "@alicloud" / "ecs20140526").is_dir():
        npm = shutil.which("npm")
        assert npm, "`node` is here but `npm` is not: set RUNAS_NODE_MODULES to the installed SDK"
        subprocess.run(
            [npm, "install", "--prefix", str(NODE), "--no-package-lock", "--no-audit", "--no-fund"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return local


def test_the_node_sdk_runs_as_user01_and_is_refused_as_root(node_modules):
    with serve("127.0.0.1", 0) as server:
        linux = server.cloud.add_instance(os="linux", users=["user01"])
        policy = GUIDE_POLICIES / "commandUserPolicy.allowlist.json"
        ran = subprocess.run(
            ["node", str(NODE / "run_as.js"), server.url, linux, str(policy)],
            env={**os.environ, "NODE_PATH": str(node_modules)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert ran.returncode == 0, ran.stderr
        seen = json.loads(ran.stdout)
        history = server.cloud.guest(linux).history

    assert seen["users"] == ["commandUser"]
    assert (seen["status"], seen["output"], seen["username"]) == ("Success", "user01\n", "user01")
    assert seen["refusal"] == {
        "code": "Forbidden.RAM",
        "statusCode": 403,
        "authAction": "ecs:RunCommand",
    }
    assert seen["ramRefusal"] == {"code": "NoPermission", "statusCode": 403}
    assert [user for user, _ in history] == ["user01"]
