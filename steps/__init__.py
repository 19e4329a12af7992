"""Step definitions, one module per domain concept. Thin: words -> harness calls -> assertions."""

from __future__ import annotations

import re

_QUOTED = re.compile(r'"([^"]*)"')


def quoted(text: str) -> list[str]:
    """`"user01", "user02" and "deploy"` -> ["user01", "user02", "deploy"]."""
    return _QUOTED.findall(text)
