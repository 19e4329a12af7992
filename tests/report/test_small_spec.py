"""The evidence of a small spec with one of everything: a pass, refusals resting on
assumptions, a finding, an exposure, an undefined step and a skip; in every format."""

from __future__ import annotations

import base64
import json

import jsonschema
import pytest

from harness.report.bundle import schema
from harness.report.html import render
from tests._support import SECRETS_MADE

from ._support import SMALL_SPEC, Written

pytestmark = pytest.mark.xdist_group(SMALL_SPEC)

EXPOSED = "the deny-list beside full access keeps root out"
FINDING = "full access lets root in beside the deny-list"
SECTIONS = ("findings", "matrix", "scenarios", "assumptions", "context")
FIX = "attach `commandUserPolicy.hardened` instead of the deny-list."


def test_the_run_fails_for_the_exposure_and_the_undefined_step_only(small: Written):
    assert small.run.returncode == 1, small.output()
    assert "2 failed, 3 passed, 1 skipped, 1 finding" in small.run.stdout, small.output()


def test_the_bundle_matches_its_published_schema(small: Written):
    jsonschema.validate(small.bundle, schema(), format_checker=jsonschema.FormatChecker())


def test_each_scenario_has_its_verdict(small: Written):
    verdicts = {(s["name"], s["example"]): s["verdict"] for s in small.bundle["scenarios"]}
    assert verdicts == {
        ("an approved user runs", ""): "passed",
        ("refused users", "root"): "passed",
        ("refused users", "user03"): "passed",
        (FINDING, ""): "finding",
        (EXPOSED, ""): "exposed",
        ("a phrase nobody defined", ""): "failed",
        ("a scenario that does not apply here", ""): "skipped",
    }
    assert small.bundle["summary"]["total"] == 7


def test_findings_come_first_each_with_its_fix(small: Written):
    findings = {f["name"]: f for f in small.bundle["findings"]}
    assert set(findings) == {FINDING, EXPOSED}
    assert (
        findings[FINDING]["fix"] == "attach `commandUserPolicy.hardened` instead of the deny-list."
    )
    assert findings[EXPOSED]["message"].startswith("SpecViolation: the account is exposed")
    html = small.html
    assert html.index('id="findings"') < html.index('id="matrix"') < html.index('id="scenarios"')
    assert (
        html.index('id="scenarios"') < html.index('id="assumptions"') < html.index('id="context"')
    )
    assert "<code>commandUserPolicy.hardened</code> instead of the deny-list." in html


def test_a_scenario_keeps_its_gherkin_calls_refusal_and_output(small: Written):
    refused = small.scenario("refused users", "root")
    assert [s["text"] for s in refused["steps"]][:2] == [
        'a Linux instance with the regular users "user01" and "user02"',
        'the RAM user "commandUser" with the policies "commandUserPolicy.allowlist" and '
        '"AliyunECSReadOnlyAccess"',
    ]
    assert {s["status"] for s in refused["steps"]} == {"passed"}
    assert refused["assumptions"] == ["A1", "A4"]
    (refusal,) = refused["refusals"]
    assert refusal["code"] == "Forbidden.RAM"
    assert refusal["deny"] == "ImplicitDeny"
    assert "`ecs:CommandRunAs` is `root`" in refusal["explanation"]
    assert refusal["request_id"] != "-"
    run = [c for c in refused["calls"] if c["action"] == "RunCommand"]
    assert run
    assert run[0]["params"]["Username"] == "root"
    assert run[0]["outcome"] == "Forbidden.RAM (403)"
    ran = small.scenario("an approved user runs")["attempts"][0]["ran"]
    assert ran["status"] == "Success"
    assert ran["output"].strip() == "user01"


def test_the_matrix_shows_what_each_run_as_name_came_to_under_each_policy_set(small: Written):
    (table,) = small.bundle["matrix"]
    assert table["instance"] == "Linux"
    allow = "commandUserPolicy.allowlist + AliyunECSReadOnlyAccess"
    full = "commandUserPolicy.denylist + AliyunECSFullAccess"
    assert table["columns"] == [allow, full]
    cells = {
        r["run_as"]: dict(zip(table["columns"], r["cells"], strict=True)) for r in table["rows"]
    }
    assert [e["label"] for e in cells["user01"][allow]] == ["ran as user01"]
    assert cells["user01"][full] == []  # not tried
    assert [e["label"] for e in cells["user03"][allow]] == [
        "refused: implicit deny; closest: commandUserPolicy statement 1"
    ]
    (refused,) = cells["user03"][allow]
    assert refused["detail"].startswith(
        "proved: a statement allows it but its `ecs:CommandRunAs` condition failed"
    )
    assert {e["kind"] for e in cells["root"][full]} == {"exposed"}
    assert len(cells["root"][full][0]["scenarios"]) == 2  # the finding and the exposure


def test_the_assumption_ledger_names_the_scenarios_resting_on_each(small: Written):
    ledger = {a["id"]: a for a in small.bundle["assumptions"]}
    refused = {small.scenario("refused users", u)["id"] for u in ("root", "user03")}
    assert set(ledger["A1"]["scenarios"]) == refused
    assert ledger["A1"]["status"] == "modelled"
    assert ledger["A1"]["summary"] == "modelled by the fake, not confirmed: 2/2 scenarios held"
    assert ledger["A6"]["scenarios"] == []


def test_the_context_names_backend_policies_versions_and_masks_the_account(small: Written):
    context = small.bundle["context"]
    assert (context["backend"], context["mode"]) == ("fake", "in-process fake")
    assert context["region"] == "cn-hangzhou"
    assert "*" in context["account"]
    policies = {p["name"]: p for p in context["policies"]}
    assert policies["commandUserPolicy.allowlist"]["version"] == "1"
    assert len(policies["commandUserPolicy.allowlist"]["sha256"]) == 64
    assert context["versions"]["runas-harness"] != "not installed"
    assert context["versions"]["alibabacloud-ecs20140526"] != "not installed"
    assert context["started"] <= context["finished"]


def test_the_terminal_says_finding_and_exposed_and_lists_the_findings(small: Written):
    out = small.run.stdout
    assert "test_full_access_lets_root_in_beside_the_denylist FINDING" in out
    assert "test_the_denylist_beside_full_access_keeps_root_out FAILED (EXPOSED)" in out
    section = out[out.index("= findings =") :]
    assert "FINDING test_spec.py::test_full_access_lets_root_in_beside_the_denylist" in section
    assert "Fix: attach `commandUserPolicy.hardened` instead of the deny-list." in section
    assert "EXPOSED test_spec.py::test_the_denylist_beside_full_access_keeps_root_out" in section
    assert "A1: modelled by the fake, not confirmed: 2/2 scenarios passed" in out


def _cases(written: Written) -> dict[str, object]:
    return {c.get("name"): c for c in written.junit.iter("testcase")}


def test_junit_carries_verdict_assumptions_finding_and_the_api_calls(small: Written):
    cases = _cases(small)
    finding = cases["test_full_access_lets_root_in_beside_the_denylist"]
    props = {p.get("name"): p.get("value") for p in finding.iter("property")}
    assert props["verdict"] == "finding"
    assert props["finding"] == FIX
    refused = cases["test_refused_users[root]"]
    props = {p.get("name"): p.get("value") for p in refused.iter("property")}
    assert (props["verdict"], props["assumptions"]) == ("passed", "A1 A4")
    out = refused.find("system-out").text
    assert "commandUser: RunCommand(" in out
    assert "Username=root" in out
    assert "-> Forbidden.RAM (403) [RequestId " in out
    exposed = cases["test_the_denylist_beside_full_access_keeps_root_out"]
    props = {p.get("name"): p.get("value") for p in exposed.iter("property")}
    assert props["verdict"] == "exposed"


def _elements(written: Written) -> dict[str, dict]:
    (feature,) = written.cucumber
    return {e["id"]: e for e in feature["elements"]}


def test_cucumber_shows_an_undefined_step_as_undefined_and_skips_as_skipped(small: Written):
    elements = _elements(small)
    undefined = [s["result"]["status"] for s in elements["test_a_phrase_nobody_defined"]["steps"]]
    assert undefined == ["passed", "passed", "undefined", "skipped"]
    skipped = elements["test_a_scenario_that_does_not_apply_here"]["steps"]
    assert [s["result"]["status"] for s in skipped] == ["passed", "skipped", "skipped", "skipped"]
    assert all("error_message" not in s["result"] for s in skipped)
    exposed = elements["test_the_denylist_beside_full_access_keeps_root_out"]["steps"]
    assert [s["result"]["status"] for s in exposed] == [
        "passed",
        "passed",
        "passed",
        "failed",
        "skipped",
    ]
    assert "the account is exposed" in exposed[3]["result"]["error_message"]


def test_cucumber_embeds_each_scenarios_evidence(small: Written):
    elements = _elements(small)
    assert len(elements) == 7
    embedded = elements["test_full_access_lets_root_in_beside_the_denylist"]["after"][0][
        "embeddings"
    ]
    record = json.loads(base64.b64decode(embedded[0]["data"]))
    assert embedded[0]["mime_type"] == "application/json"
    assert record["verdict"] == "finding"
    assert "RunCommand" in base64.b64decode(embedded[1]["data"]).decode()


def test_under_xdist_the_evidence_is_complete_and_its_ids_are_the_same(small, small_xdist):
    assert "2 failed, 3 passed, 1 skipped, 1 finding" in small_xdist.run.stdout, (
        small_xdist.output()
    )
    one = {s["id"]: s["verdict"] for s in small.bundle["scenarios"]}
    other = {s["id"]: s["verdict"] for s in small_xdist.bundle["scenarios"]}
    assert one == other  # stable ids: two runs can be diffed
    assert [f["id"] for f in small.bundle["findings"]] == [
        f["id"] for f in small_xdist.bundle["findings"]
    ]
    assert len(_elements(small_xdist)) == 7
    assert len(_cases(small_xdist)) == 7
    out = small_xdist.run.stdout
    assert "= findings =" in out
    assert "A1: modelled by the fake, not confirmed: 2/2 scenarios passed" in out


def test_no_secret_reaches_any_evidence_file(small, small_xdist):
    for written in (small, small_xdist):
        made = (written.folder.parent / "project" / SECRETS_MADE).read_text().split()
        assert made
        assert all(len(s) == 30 for s in made)
        leaks = [(n, s[:4]) for n, text in written.texts().items() for s in made if s in text]
        assert not leaks


def test_the_html_is_self_contained(small: Written):
    html = small.html
    for outside in ("<script", "<link", "src=", "url(", "@import"):
        assert outside not in html, outside
    assert "<style>" in html


def test_the_html_escapes_what_the_spec_and_the_cloud_say(small: Written):
    bundle = small.bundle
    bundle["scenarios"][0]["name"] = "<script>alert(1)</script>"
    bundle["scenarios"][0]["message"] = "`<img src=x onerror=alert(1)>`"
    html = render(bundle)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<code>&lt;img src=x onerror=alert(1)&gt;</code>" in html
