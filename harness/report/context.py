"""The run's context: where it ran, against what, with which policy documents and versions."""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from typing import TypedDict

from harness.config.policies import TRUST_SUFFIX
from harness.config.settings import Settings
from harness.recording.cassettes import sdk_versions
from harness.report.model import ScenarioRecord

#: Distributions whose versions say what ran, beside the SDKs a cassette names.
RUNNERS = ("runas-harness", "pytest", "pytest-bdd", "alibabacloud-kms20160120")


class PolicyDocument(TypedDict):
    name: str
    ram_name: str
    version: str
    sha256: str
    source: str  # spec or overlay


class Context(TypedDict):
    backend: str
    mode: str
    against: str
    region: str
    account: str
    instances: dict[str, list[str]]
    policies: list[PolicyDocument]
    versions: dict[str, str]
    started: str
    finished: str


def build_context(
    settings: Settings,
    records: list[ScenarioRecord],
    *,
    mode: str,
    against: str,
    started: str,
    finished: str,
) -> Context:
    instances: dict[str, set[str]] = {}
    for record in records:
        for label, instance_id in record["instances"].items():
            instances.setdefault(label, set()).add(instance_id)
    accounts = sorted({r["account"] for r in records if r["account"]})
    return Context(
        backend=settings.backend,
        mode=mode,
        against=against,
        region=settings.region,
        account=", ".join(accounts) or "not seen in any answer",
        instances={k: sorted(v) for k, v in sorted(instances.items())},
        policies=policy_documents(settings),
        versions=versions(),
        started=started,
        finished=finished,
    )


def policy_documents(settings: Settings) -> list[PolicyDocument]:
    """Every document the spec can attach (and each role's trust policy), as the run's policy
    library resolves it: its label, RAM name, `Version` and SHA-256."""
    library = settings.library
    found: list[PolicyDocument] = []
    for label in library:
        if label.endswith(TRUST_SUFFIX):
            text = library.trust_document(label.removesuffix(TRUST_SUFFIX))
        else:
            text = library.resolve(label).document or ""
        try:
            version = str(json.loads(text).get("Version", ""))
        except (ValueError, AttributeError):
            version = ""
        overlay = library.overlay is not None and (library.overlay / f"{label}.json").is_file()
        found.append(
            PolicyDocument(
                name=label,
                ram_name=label.split(".")[0],
                version=version,
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                source="overlay" if overlay else "spec",
            )
        )
    return found


def versions() -> dict[str, str]:
    """The harness's, its test runner's and the official SDKs' versions."""
    return {**{name: _version(name) for name in RUNNERS}, **sdk_versions()}


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
