"""A run against a real account (live), one that records it (record), or one that plays a
recording back (replay): what stays the same for all its scenarios, and how each scenario gets
its backend, its name prefix and its cassette."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.backends.base import no_sleep
from harness.backends.live import Identities, LiveBackend, identities
from harness.config.names import scenario_prefix
from harness.config.settings import Settings
from harness.provisioning.ledger import LedgerFile
from harness.recording import cassettes as recording
from harness.recording.scrub import Scrubber
from harness.sdk.clients import AccessKey, Principal

#: Stand-in keys for a replay: nothing checks a signature, and no secret is needed.
_REPLAY_KEY = AccessKey("REPLAY-ACCESS-KEY", "replay-needs-no-secret")


@dataclass
class LiveRun:
    settings: Settings
    principals: Identities
    ledger: LedgerFile | None
    progress: Callable[[str], None] | None

    @property
    def mode(self) -> str:
        return self.principals.mode

    @property
    def against(self) -> str:
        if self.settings.recorded_against:
            return self.settings.recorded_against
        if self.settings.endpoint:
            return f"the endpoint {self.settings.endpoint}"
        return "Alibaba Cloud"

    @classmethod
    def start(
        cls,
        settings: Settings,
        *,
        ledger_dir: Path,
        progress: Callable[[str], None] | None,
        replay_mode: str = "provision",
    ) -> LiveRun:
        if settings.backend == "replay":
            stand_in = Principal("the administrator", _REPLAY_KEY)
            user = Principal("commandUser", _REPLAY_KEY)
            principals = (
                Identities(None, stand_in) if replay_mode == "provision" else Identities(user, None)
            )
            return cls(settings, principals, None, None)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        ledger = LedgerFile(ledger_dir / f"{stamp}-{secrets.token_hex(3)}.jsonl")
        run = cls(settings, identities(settings), ledger, progress)
        if settings.backend == "record":
            recording.write_settings(settings, run.mode, run.against)
        return run

    @contextmanager
    def scenario(
        self, feature: str, test_name: str
    ) -> Iterator[tuple[LiveBackend, Scrubber | None]]:
        """The scenario's backend, inside its cassette when recording or replaying."""
        settings = self.settings
        if settings.backend == "live":
            yield self._backend(scenario_prefix(settings.prefix)), None
            return
        path = recording.cassette_path(settings.cassettes, feature, test_name)
        if settings.backend == "replay":
            with recording.replay_cassette(path) as (block, scrubber):
                yield self._backend(str(block["prefix"])), scrubber
            return
        prefix = scenario_prefix(settings.prefix)
        block = recording.recorded(
            settings, mode=self.mode, against=self.against, prefix=prefix, scenario=test_name
        )
        with recording.scenario_cassette(path, record=True, recorded=block) as scrubber:
            yield self._backend(prefix), scrubber

    def _backend(self, prefix: str) -> LiveBackend:
        replay = self.settings.backend == "replay"
        return LiveBackend(
            self.settings,
            self.principals,
            prefix=prefix,
            name=self.settings.backend,
            sleep=no_sleep if replay else time.sleep,
            progress=self.progress,
        )

    def finish(self) -> None:
        """Drop the ledger file once nothing in it is left to remove."""
        ledger = self.ledger
        if ledger is not None and ledger.path.exists() and not ledger.outstanding():
            ledger.path.unlink()
