"""`python -m harness COMMAND`: the harness's commands besides the spec itself. Each lives in the
module of its layer, which adds its own arguments; this one only dispatches.

- `cleanup`: remove what a crashed or interrupted live run left behind
  (harness/provisioning/cleanup_command.py);
- `fleet`: verify every instance of a selection as commandUser (harness/fleet/cli.py);
- `phrases`: every step phrase a scenario can use, from the step definitions
  (harness/plugin/phrases.py);
- `record-against-fake`: record the cassettes against a fake cloud server
  (harness/recording/against_fake.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

import pytest

from harness.errors import HarnessError

#: Command name -> the module that adds its parser (`add_parser`) and runs it (`run`).
COMMANDS = {
    "cleanup": "harness.provisioning.cleanup_command",
    "fleet": "harness.fleet.cli",
    "phrases": "harness.plugin.phrases",
    "record-against-fake": "harness.recording.against_fake",
}


def _parser() -> tuple[argparse.ArgumentParser, dict[str, Callable[[argparse.Namespace], int]]]:
    parser = argparse.ArgumentParser(prog="python -m harness")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    runs = {}
    for name, module_name in COMMANDS.items():
        module = import_module(module_name)
        module.add_parser(commands)
        runs[name] = module.run
    return parser, runs


def main(argv: Sequence[str] | None = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    if given[:1] == ["prove"]:  # the prover has its own parser (harness/prove/cli.py)
        from harness.prove.cli import main as prove

        return prove(given[1:])
    parser, runs = _parser()
    args = parser.parse_args(given)
    try:
        return runs[args.command](args)
    except (HarnessError, pytest.UsageError) as e:
        print(f"python -m harness {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
