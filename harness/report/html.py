"""The evidence bundle as one self-contained HTML page: Jinja2 templates with autoescape, inline
CSS, no script, no network, no external asset."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from harness.report.bundle import Bundle

TEMPLATES = Path(__file__).with_name("templates")
VERDICT_WORDS = {
    "finding": "FINDING",
    "exposed": "EXPOSED",
    "failed": "FAILED",
    "assumed": "ASSUMED",
    "skipped": "SKIPPED",
    "passed": "PASSED",
}


_TICKS = re.compile(r"`([^`]+)`")


def ticks(text: str) -> Markup:
    """Escaped text with `backticked` names as <code>: the spec's and the cloud's own style."""
    return Markup(_TICKS.sub(r"<code>\1</code>", str(escape(text))))


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["VERDICT_WORDS"] = VERDICT_WORDS
    env.filters["ticks"] = ticks
    return env


def render(bundle: Bundle) -> str:
    scenarios = {s["id"]: s for s in bundle["scenarios"]}
    return environment().get_template("report.html.j2").render(b=bundle, by_id=scenarios)


def write_html(bundle: Bundle, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(bundle), encoding="utf-8")
