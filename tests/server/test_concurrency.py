"""Several clients at once: every command runs exactly once and every invocation is kept."""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor

from alibabacloud_ecs20140526 import models as ecs_models

from ._support import REGION, final_result

CLIENTS = 6
RUNS_EACH = 5


def test_concurrent_clients_lose_no_invocation(server, root, command_user, ecs_as, legacy_as):
    linux = server.cloud.add_instance(os="linux", users=["user01", "user02"])

    def one_client(number):
        """One person's script: its own client, its own commands, polling each to the end."""
        key, user = (root, "user02") if number % 2 else (command_user, "user01")
        ecs = ecs_as(key)
        outcomes = []
        for run in range(RUNS_EACH):
            started = ecs.run_command(
                ecs_models.RunCommandRequest(
                    region_id=REGION,
                    type="RunShellScript",
                    command_content=f"echo c{number}r{run}; id -un",
                    instance_id=[linux],
                    username=user,
                )
            ).body.invoke_id

            def poll(invoke_id):
                request = ecs_models.DescribeInvocationResultsRequest(
                    region_id=REGION, invoke_id=invoke_id
                )
                body = ecs.describe_invocation_results(request).body.to_map()
                return body["Invocation"]["InvocationResults"]["InvocationResult"][0]

            result = final_result(poll, started)
            outcomes.append((started, result["InvocationStatus"], result["Output"]))
        return number, user, outcomes

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        finished = list(pool.map(one_client, range(CLIENTS), timeout=60))

    invoke_ids = set()
    for number, user, outcomes in finished:
        for run, (invoke_id, status, output) in enumerate(outcomes):
            assert status == "Success"
            assert base64.b64decode(output).decode() == f"c{number}r{run}\n{user}\n"
            invoke_ids.add(invoke_id)
    assert len(invoke_ids) == CLIENTS * RUNS_EACH
    assert len(server.cloud.guest(linux).history) == CLIENTS * RUNS_EACH

    # The account's own record agrees, read through the legacy client as the owner.
    listed = legacy_as(root).call(
        "DescribeInvocations", RegionId=REGION, InstanceId=linux, PageSize="50"
    )
    assert {i["InvokeId"] for i in listed["Invocations"]["Invocation"]} == invoke_ids
