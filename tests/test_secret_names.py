"""Evidence and cassettes mask the same secret names: every name in the one list, each writer."""

from __future__ import annotations

import pytest

from harness.recording.scrub import SCRUBBED, Scrubber
from harness.sdk.evidence import Evidence
from harness.secret_names import SECRET_FIELDS, SECRET_PARAMETERS

SECRET = "s3cr3t-value-never-written"


@pytest.mark.parametrize("name", sorted(SECRET_PARAMETERS))
def test_a_secret_parameter_is_masked_in_evidence(name: str) -> None:
    evidence = Evidence()
    evidence.add("commandUser", "AnyAction", {name: SECRET, "Name": "kept"}, "req-1", "OK")
    assert SECRET not in evidence.text()
    assert f"{name}=***" in evidence.text()
    assert "Name=kept" in evidence.text()


@pytest.mark.parametrize("name", sorted(SECRET_PARAMETERS))
def test_a_secret_parameter_is_dropped_or_replaced_in_a_cassette(name: str) -> None:
    kept = dict(Scrubber().parameters([(name, SECRET), ("Name", "kept")]))
    assert SECRET not in kept.values()
    assert kept.get(name, SCRUBBED) == SCRUBBED
    assert kept["Name"] == "kept"


@pytest.mark.parametrize("name", sorted(SECRET_FIELDS))
def test_a_secret_response_field_is_replaced_in_a_cassette(name: str) -> None:
    body = Scrubber().data({"Outer": {name: SECRET, "Name": "kept"}})
    assert body == {"Outer": {name: SCRUBBED, "Name": "kept"}}


def test_kms_secret_data_is_masked_in_evidence_as_in_cassettes() -> None:
    """The gap this list closed: evidence used to show `SecretData`, which cassettes masked."""
    evidence = Evidence()
    evidence.add("admin", "PutSecretValue", {"SecretData": SECRET}, "req-2", "OK")
    assert SECRET not in evidence.text()
