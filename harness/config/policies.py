"""The policy documents the spec attaches, by name: `features/policies/<name>.json`, overlaid by
an administrator's own folder (`--policies DIR`: a document there wins over the spec's of the
same name).

A name like `commandUserPolicy.allowlist` is the guide's `commandUserPolicy` in its allow-list
variant: the part before the first dot is the policy's name in RAM. Names starting with `Aliyun`
are Alibaba's system policies; the harness knows those the fake cloud models, and a name it does
not know is refused before any cloud call. Every document is validated by the same policy
engine the fake's CreatePolicy uses, so a malformed file is one line naming file and problem.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fakes.policy import PolicyError, compile_policy, compile_trust_policy
from fakes.services.system_policies import SYSTEM_POLICIES
from harness.errors import HarnessError

TRUST_SUFFIX = ".trust"
#: What RAM accepts as a policy name: letters, digits and hyphens, at most 128.
RAM_POLICY_NAME = re.compile(r"[A-Za-z0-9-]{1,128}")


@dataclass(frozen=True)
class PolicyRef:
    label: str  # as the spec names it
    ram_name: str  # the policy's name in RAM
    type: str  # "System" | "Custom"
    document: str | None  # the JSON text, for custom policies
    source: Path | None = None  # the file it was read from


@dataclass(frozen=True)
class PolicyLibrary:
    """The spec's policy folder, and the administrator's folder over it."""

    spec: Path
    overlay: Path | None = None

    def folders(self) -> tuple[Path, ...]:
        """Where a name is looked up, first match wins."""
        return (self.overlay, self.spec) if self.overlay is not None else (self.spec,)

    def _files(self) -> dict[str, Path]:
        """Every document by label; the overlay's shadow the spec's."""
        found: dict[str, Path] = {}
        for folder in reversed(self.folders()):
            if folder.is_dir():
                found.update({path.stem: path for path in folder.glob("*.json")})
        return found

    def overridden(self) -> list[str]:
        """The spec's documents the administrator's folder replaces, by label."""
        if self.overlay is None or not self.overlay.is_dir():
            return []
        spec = {path.stem for path in self.spec.glob("*.json")} if self.spec.is_dir() else set()
        return sorted(path.stem for path in self.overlay.glob("*.json") if path.stem in spec)

    def resolve(self, label: str) -> PolicyRef:
        """The policy `label` names; a `HarnessError` (one line) when there is none."""
        if label.startswith("Aliyun"):
            if label not in SYSTEM_POLICIES:
                raise HarnessError(
                    f"unknown system policy `{label}`{_near(label, SYSTEM_POLICIES)}: the harness "
                    f"knows {', '.join(sorted(SYSTEM_POLICIES))}"
                )
            return PolicyRef(label, label, "System", None)
        files = self._files()
        path = files.get(label)
        if path is None or label.endswith(TRUST_SUFFIX):
            known = sorted(k for k in files if not k.endswith(TRUST_SUFFIX))
            raise HarnessError(
                f"no policy document `{label}`{_near(label, known)}: expected `{label}.json` in "
                f"{' or '.join(str(f) for f in self.folders())}"
            )
        return PolicyRef(label, label.split(".")[0], "Custom", _read(path), path)

    def trust_document(self, role: str) -> str:
        """The trust policy of role `role`: `<role>.trust.json`."""
        path = self._files().get(role + TRUST_SUFFIX)
        if path is None:
            raise HarnessError(
                f"no trust policy for role `{role}`: expected `{role}{TRUST_SUFFIX}.json` in "
                f"{' or '.join(str(f) for f in self.folders())}"
            )
        return _read(path)

    def check(self) -> None:
        """Validate every document and policy name, as CreatePolicy and CreateRole would: the
        first bad one raises a `HarnessError` naming the file, the policy and the problem."""
        for label, path in sorted(self._files().items()):
            text = _read(path)
            try:
                if label.endswith(TRUST_SUFFIX):
                    compile_trust_policy(text)
                else:
                    compile_policy(text)
            except PolicyError as e:
                kind = "trust policy" if label.endswith(TRUST_SUFFIX) else "policy"
                raise HarnessError(f"{kind} `{label}` in `{path}`: {e}") from None
            ram_name = label.split(".")[0]
            if not label.endswith(TRUST_SUFFIX) and not RAM_POLICY_NAME.fullmatch(ram_name):
                raise HarnessError(
                    f"policy `{label}` in `{path}`: RAM refuses the name `{ram_name}`: use "
                    "letters, digits and hyphens before the first dot of the file's name"
                )

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._files()))


def _read(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise HarnessError(f"policy file `{path}` cannot be read: {e}") from None
    try:
        json.loads(text)
    except ValueError as e:
        raise HarnessError(f"policy file `{path}` is not JSON: {e}") from None
    return text


def _near(name: str, known: object) -> str:
    close = difflib.get_close_matches(name, list(known), n=2)  # type: ignore[call-overload]
    return f" (did you mean {' or '.join(f'`{c}`' for c in close)}?)" if close else ""
