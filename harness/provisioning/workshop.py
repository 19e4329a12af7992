"""What everything that makes or checks a scenario's cloud resources shares: the gateway the
calls go through, the ledger that hears of each create, the spec's policies, the names things
get, the region and the endpoint. The world builds one per scenario and every provisioner from
it (harness/world.py), so none is wired its own way."""

from __future__ import annotations

from dataclasses import dataclass

from harness.config.names import Names
from harness.config.policies import PolicyLibrary
from harness.provisioning.ledger import CleanupLedger
from harness.sdk.clients import Clients, Endpoint, Principal
from harness.sdk.gateway import Gateway


@dataclass(frozen=True)
class Workshop:
    """One scenario's means of making things in the cloud, as any principal."""

    gateway: Gateway
    ledger: CleanupLedger
    policies: PolicyLibrary
    names: Names
    region: str
    endpoint: Endpoint | None

    def clients(self, principal: Principal) -> Clients:
        """`principal`'s SDK clients, to this workshop's region and endpoint."""
        return Clients.of(principal, self.region, self.endpoint)
