"""The harness survives what a real endpoint does under load: throttling and 5xx answers are
retried with backoff for calls that are safe to repeat, a new AccessKey's first refusals are
retried while RAM catches up, and neither is retried without bound. The faults come from the
fake's fault injection (`FakeCloud.inject`, `POST /_fake/faults`)."""

from __future__ import annotations

import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException
from alibabacloud_tea_openapi.models import Config

from fakes import FakeCloud
from harness.backends.standin import control
from harness.errors import HarnessError
from harness.sdk.evidence import Evidence
from harness.sdk.gateway import Gateway, NoAnswer, Refusal
from harness.sdk.retry import RetryPolicy

from ._support import holdings, live_env, output, run_pytest, small_spec

POLICIES = '"commandUserPolicy.allowlist" and "AliyunECSReadOnlyAccess"'
SPEC = f"""
@linux
Feature: under load
  Background:
    Given a Linux instance with the regular users "user01" and "user02"
    And the RAM user "commandUser" with the policies {POLICIES}

  Scenario: a regular user runs
    When commandUser runs "whoami" on the Linux instance as "user01"
    Then the command succeeds with the output "user01"

  Scenario: root is refused
    When commandUser runs "whoami" on the Linux instance as "root"
    Then the request is refused with "Forbidden.RAM"
    And nothing ran on the instance
"""


def _arm(account, **fault):
    return control(account.url, "POST", "faults", fault)["Fault"]


def _run(account, tmp_path, *args, **env):
    small_spec(tmp_path, SPEC)
    return run_pytest(
        "--backend",
        "live",
        "-p",
        "no:cacheprovider",
        "-rA",
        *args,
        env=live_env(account, tmp_path, **env),
        cwd=tmp_path,
    )


def test_throttling_and_server_errors_are_survived(account, before, tmp_path):
    _arm(
        account, action="RunCommand", code="Throttling.User", status=400, times=2, retry_after_ms=20
    )
    _arm(
        account, action="DescribeInvocationResults", code="ServiceUnavailable", status=503, times=2
    )
    _arm(account, action="DescribeInvocations", code="InternalError", status=500, times=1)
    _arm(account, action="DescribeInstances", code="Throttling.Api", status=400, times=1)
    _arm(account, action="DeleteUser", code="Throttling", status=400, times=1)
    run = _run(account, tmp_path)
    assert run.returncode == 0, output(run)
    assert "2 passed" in run.stdout
    assert "RunCommand(CommandContent=" in run.stdout
    assert "-> Throttling.User (400)" in run.stdout
    assert "-> ServiceUnavailable (503)" in run.stdout
    state = account.state()
    assert state["Faults"] == []  # every injected fault was met, and survived
    assert holdings(state) == before  # the throttled DeleteUser was retried too


def test_a_create_without_a_client_token_is_not_retried(account, before, tmp_path):
    _arm(account, action="CreateUser", code="Throttling.User", status=400, times=1)
    run = _run(account, tmp_path)
    assert run.returncode == 1, output(run)
    assert "Refusal: CreateUser refused: Throttling.User (HTTP 400)" in run.stdout
    assert "1 failed, 1 passed" in run.stdout
    assert holdings(account.state()) == before


def test_retries_are_bounded(account, before, tmp_path):
    _arm(
        account, action="DescribeInvocationResults", code="ServiceUnavailable", status=503, times=50
    )
    run = _run(account, tmp_path)
    assert run.returncode == 1, output(run)
    assert "DescribeInvocationResults refused: ServiceUnavailable (HTTP 503)" in run.stdout
    assert control(account.url, "GET", "state")["Faults"][0]["Answered"] == 6  # 1 + 5 retries
    assert holdings(account.state()) == before


def test_a_new_key_is_given_time_to_settle(account, before, tmp_path):
    """RAM may not know a key for a few seconds after CreateAccessKey: its first call is
    retried for up to --ram-settle seconds. (A refusal scenario therefore waits that long
    before its refusal stands: left out here.)"""
    _arm(account, action="RunCommand", code="InvalidAccessKeyId.NotFound", status=404, times=2)
    run = _run(account, tmp_path, "-k", "regular", RUNAS_RAM_SETTLE="5")
    assert run.returncode == 0, output(run)
    assert "-> InvalidAccessKeyId.NotFound (404)" in run.stdout
    assert holdings(account.state()) == before


def test_without_a_settle_window_the_first_refusal_stands(account, before, tmp_path):
    _arm(account, action="RunCommand", code="InvalidAccessKeyId.NotFound", status=404, times=1)
    run = _run(account, tmp_path, RUNAS_RAM_SETTLE="0")
    assert run.returncode == 1, output(run)
    assert (
        "refused, but the spec expects it to run: RunCommand refused: InvalidAccessKeyId.NotFound"
        in run.stdout
    )


# ---- the pieces, in-process ---------------------------------------------------------------


def test_the_fake_injects_a_fault_through_the_sdk():
    with FakeCloud() as cloud:
        key_id, secret = cloud.root_access_key
        client = EcsClient(
            Config(access_key_id=key_id, access_key_secret=secret, region_id="cn-hangzhou")
        )
        request = ecs_models.DescribeInstancesRequest(region_id="cn-hangzhou")
        fault = cloud.inject(
            action="DescribeInstances", code="Throttling.User", times=1, retry_after_ms=1500
        )
        with pytest.raises(ThrottlingException) as throttled:
            client.describe_instances(request)
        assert (throttled.value.code, throttled.value.retry_after) == ("Throttling.User", 1500)
        assert client.describe_instances(request).body.instances.instance == []
        assert fault.answered == 1
        cloud.inject(action="*", product="ram", code="ServiceUnavailable", status=503)
        client.describe_instances(request)  # another product: not answered by the fault
        assert cloud.faults.view()[0]["Left"] == 1


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"[]", "JSON object"),
        (b'{"action": "RunCommand", "colour": 1}', "unknown field `colour`"),
        (b'{"action": "RunCommand", "times": "2"}', "`times` must be a number"),
        (b'{"action": "RunCommand", "times": 0}', "`times` must be at least 1"),
        (b'{"action": "RunCommand", "status": 200}', "must be an HTTP error status"),
    ],
)
def test_bad_fault_specs_are_refused_with_the_reason(server, body, says):
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{server.url}/_fake/faults", data=body, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=5)
    assert refused.value.code == 400
    assert says in refused.value.read().decode()


def _failing(*errors):
    calls = []

    def send(request):
        calls.append(request)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return "answer"

    return send, calls


def _error(code, status, cls=ClientException, **extra):
    return cls(
        code=code,
        status_code=status,
        message=f"code: {status}, {code} request id: r",
        request_id="r",
        **extra,
    )


def test_only_repeatable_calls_are_retried_and_they_wait_as_told():
    waits = []
    gateway = Gateway(Evidence(), RetryPolicy(waits.append, first_delay=0.5))
    send, calls = _failing(
        _error("Throttling.User", 400, ThrottlingException, retry_after=3000),
        _error("ServiceUnavailable", 503),
    )
    assert gateway.call("me", send, ecs_models.DescribeInstancesRequest()) == "answer"
    assert (len(calls), waits) == (3, [3.0, 0.5])
    send, calls = _failing(_error("Throttling.User", 400))
    with pytest.raises(Refusal, match=r"CreateUser refused: Throttling\.User"):
        gateway.call("me", send, ram_models.CreateUserRequest(user_name="u"))
    assert len(calls) == 1
    send, calls = _failing(_error("Throttling", 400))
    assert gateway.call("me", send, ecs_models.RunCommandRequest(), repeatable=True) == "answer"


def test_a_fresh_key_settles_within_its_window_only():
    waits = []
    gateway = Gateway(
        Evidence(), RetryPolicy(waits.append, first_delay=1.0, settle=3.0), {"commandUser"}
    )
    send, calls = _failing(*[_error("Forbidden.RAM", 403)] * 10)
    with pytest.raises(Refusal, match=r"Forbidden\.RAM"):
        gateway.call("commandUser", send, ecs_models.RunCommandRequest())
    assert waits == [1.0, 2.0]  # 3 s of settling, then the refusal stands
    assert gateway.fresh == set()  # settled: the next refusal is final at once
    send, calls = _failing(_error("Forbidden.RAM", 403))
    with pytest.raises(Refusal):
        gateway.call("commandUser", send, ecs_models.RunCommandRequest())
    assert len(calls) == 1


def test_no_answer_is_retried_but_a_harness_bug_is_neither_retried_nor_disguised():
    waits = []
    gateway = Gateway(Evidence(), RetryPolicy(waits.append, first_delay=0.5))
    send, calls = _failing(ConnectionError("connection refused"))
    assert gateway.call("me", send, ecs_models.DescribeInstancesRequest()) == "answer"
    assert len(calls) == 2
    send, calls = _failing(*[ConnectionError("connection refused")] * 10)
    with pytest.raises(NoAnswer, match="DescribeInstances got no answer from the cloud"):
        gateway.call("me", send, ecs_models.DescribeInstancesRequest())
    send, calls = _failing(TypeError("a bug in the harness"))
    with pytest.raises(TypeError, match="a bug in the harness"):
        gateway.call("me", send, ecs_models.DescribeInstancesRequest())
    assert len(calls) == 1
    assert not isinstance(TypeError(), HarnessError)


def test_evidence_is_derived_from_the_request_model_and_masks_secrets():
    evidence = Evidence()
    gateway = Gateway(evidence)
    send, _ = _failing()
    request = ecs_models.RunCommandRequest(
        region_id="cn-hangzhou", instance_id=["i-1"], username="user01", client_token="t"
    )
    gateway.call("commandUser", send, request)
    from alibabacloud_oos20190601 import models as oos_models

    gateway.call(
        "the administrator",
        send,
        oos_models.CreateSecretParameterRequest(name="p", value="PLANTED-CANARY-SECRET"),
    )
    text = evidence.text()
    assert "commandUser: RunCommand(InstanceId=i-1, RegionId=cn-hangzhou, Username=user01)" in text
    assert "ClientToken" not in text
    assert "CreateSecretParameter(Name=p, Value=***)" in text
    assert "PLANTED-CANARY-SECRET" not in text
