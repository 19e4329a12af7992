"""The names things get in the cloud. The spec says `commandUser`, `commandUserPolicy`,
`AxtSecretRamRole`, `axtSecretPassword`; in a real account everything the harness creates carries
a prefix unique to the scenario, `runas-1a2b3c4d-commandUser`, so that it never collides with the
administrator's own setup and a crashed run's leftovers can be found by name. The in-process fake
is a fresh account per scenario and keeps the spec's names.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

#: The guide's encrypted parameter; in a live run it stands for `--windows-password-parameter`.
GUIDE_PARAMETER = "axtSecretPassword"


def scenario_prefix(prefix: str) -> str:
    """`runas` -> `runas-1a2b3c4d-`: 8 random hex digits per scenario."""
    return f"{prefix}-{secrets.token_hex(4)}-"


@dataclass(frozen=True)
class Names:
    """Spec name -> cloud name, by kind. `prefix` is empty on the fake backend."""

    prefix: str = ""
    #: The account's own password parameter (verify mode reads it under the guide's name).
    password_parameter: str | None = None

    def created(self, name: str) -> str:
        """The name of something the harness creates (user, custom policy, role, parameter,
        saved command)."""
        return f"{self.prefix}{name}"

    def parameter(self, name: str) -> str:
        """The parameter a command names in `WindowsPasswordName`."""
        if self.password_parameter is not None and name == GUIDE_PARAMETER:
            return self.password_parameter
        return self.created(name)
