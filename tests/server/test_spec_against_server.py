"""The harness runs the whole spec against a running server (`--fake-endpoint`), as CI does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.backends.fake import open_fake
from harness.config.settings import Settings
from harness.errors import HarnessError
from harness.sdk.clients import Endpoint
from tests import _children as children
from tests._support import SPEC_ON_A_SERVER, pytest_command
from tests.report._support import Served

ROOT = Path(__file__).resolve().parents[2]


def _pytest(*args, timeout=180):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("RUNAS_FAKE_ENDPOINT", None)
    return children.run(
        pytest_command("-p", "no:cacheprovider", "-q", *args),
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )


def _settings(url):
    policies = ROOT / "features" / "policies"
    return Settings(backend="fake", region="cn-hangzhou", spec_policies=policies, fake_endpoint=url)


@pytest.mark.xdist_group(SPEC_ON_A_SERVER)
def test_the_spec_passes_against_a_server(spec_on_a_server: Served):
    """The whole spec against a server (tests/conftest.py's run, which the report and the
    teeth tests also read)."""
    run = spec_on_a_server.run
    assert run.returncode == 0, spec_on_a_server.output()
    assert " passed" in run.stdout
    assert " failed" not in run.stdout
    # It really went over HTTP: the server's account holds the last scenario's instance.
    assert spec_on_a_server.state["Instances"]


def test_a_server_that_does_not_answer_fails_the_run_once_at_start(unused_port):
    url = f"http://127.0.0.1:{unused_port}"
    run = _pytest("features", "--fake-endpoint", url, timeout=60)
    assert run.returncode == 4, run.stdout[-2000:] + run.stderr[-2000:]
    assert run.stderr.count(f"the fake cloud server at `{url}` does not answer") == 1
    assert " passed" not in run.stdout
    assert " failed" not in run.stdout


def test_a_bad_endpoint_is_a_usage_error():
    run = _pytest("features", "--fake-endpoint", "not a url", timeout=60)
    assert run.returncode == 4
    assert "fake endpoint `not a url` is not a server address" in run.stderr


def test_a_server_that_does_not_answer_is_named_with_the_fix(unused_port):
    url = f"http://127.0.0.1:{unused_port}"
    settings = _settings(url)
    backend = open_fake(settings)
    with pytest.raises(HarnessError) as failed:
        backend.start()
    message = str(failed.value)
    assert message.startswith(f"the fake cloud server at `{url}` does not answer POST /_fake/reset")
    assert "python -m fakes serve" in message
    assert "\n" not in message


def test_the_backend_resets_the_server_and_uses_its_root_key(server):
    server.cloud.add_instance(users=["user01"])
    before = server.cloud.account_id
    settings = _settings(server.url)
    backend = open_fake(settings)
    account = backend.start()
    assert server.cloud.account_id != before
    assert account.administrator.key.access_key_id == server.cloud.root_access_key[0]
    assert account.endpoint == Endpoint(server.endpoint, "HTTP")
    offer = backend.instance("Linux", ["user01"])
    assert server.cloud.guest(offer.instance_id).os == "linux"
