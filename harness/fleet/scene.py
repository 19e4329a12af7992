"""The fleet a scenario names, and its check, built from what the backend handed over: on the
fake the backend generates the instances; on a real account (live, record, replay) they are the
account's own, selected by tag, and nothing is made."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from harness.backends.base import Account, Backend
from harness.backends.fake import FakeBackend, FakeServerBackend
from harness.config.settings import Settings
from harness.fleet.check import FleetCheck, Plan
from harness.fleet.verdicts import FleetResult
from harness.sdk.clients import Endpoint, Principal, ecs_client
from harness.sdk.gateway import Gateway


@dataclass
class FleetScene:
    """A fleet the spec named: its tags, its approved users, what the fake generated (none on a
    real account), and the last check's result."""

    tags: dict[str, str]
    users: tuple[str, ...]
    generated: list[str] = field(default_factory=list)
    result: FleetResult | None = None


def generate(
    backend: Backend, count: int, tags: Mapping[str, str], users: Sequence[str]
) -> list[str]:
    """The fake's generated fleet; an empty list on any other backend, which selects the
    account's own instances by tag instead."""
    if isinstance(backend, FakeBackend | FakeServerBackend):
        return backend.fleet(count, tags, users)
    return []


@dataclass(frozen=True)
class FleetOptions:
    """How hard a fleet scenario pushes: calls in flight, and the deadline."""

    max_concurrency: int = 8
    deadline: float = 1800.0


def in_process(account: Account) -> bool:
    """The in-process fake: no endpoint, so the SDK's calls are answered in this process."""
    return account.backend == "fake" and account.endpoint is None


def fleet_check(
    settings: Settings,
    account: Account,
    gateway: Gateway,
    principal: Principal,
    users: Sequence[str],
    options: FleetOptions,
) -> FleetCheck:
    """A check as `principal`, through the scenario's gateway (its evidence). Recording and
    replaying run one call at a time, so a cassette's order is the same every time; so does
    the in-process fake, where every call runs under this process's GIL and nothing waits on
    a network, so that worker threads would add their handovers and overlap nothing."""
    one_at_a_time = account.backend in ("record", "replay") or in_process(account)
    endpoint: Endpoint | None = account.endpoint
    region = settings.region
    plan = Plan(
        users=tuple(users),
        refused=settings.refused_users,
        max_concurrency=1 if one_at_a_time else options.max_concurrency,
        deadline=options.deadline,
    )
    # The pacer retries throttling; the gateway keeps the scenario's evidence, and its settle
    # window for a key made moments ago (provision mode).
    paced = Gateway(gateway.evidence, replace(account.retry, attempts=1), gateway.fresh)
    return FleetCheck(
        principal.name,
        lambda: ecs_client(principal, region, endpoint),
        paced,
        region,
        plan,
        sleep=account.sleep,
        first_delay=account.first_delay,
        # A replay's answers are as old as its recording: heartbeats are judged by each other.
        wall_clock=None if account.backend == "replay" else (lambda: datetime.now(UTC)),
    )
