"""`python -m harness phrases`: every step phrase, read from the step definitions, and README's
section generated from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.__main__ import main
from harness.plugin.phrases import END, START, markdown, render_regex, section_of, step_modules

ROOT = Path(__file__).resolve().parents[2]
DECORATOR = re.compile(r"^@(given|when|then)\(", re.MULTILINE)


def test_readme_lists_every_phrase_as_generated() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert section_of(readme) == markdown(step_modules()), (
        "README's step phrases are stale: run `python -m harness phrases --readme README.md`"
    )


def test_every_step_definition_is_listed_with_what_it_does() -> None:
    phrases = [p for module in step_modules() for p in module.phrases]
    decorators = sum(
        len(DECORATOR.findall(path.read_text(encoding="utf-8")))
        for path in (ROOT / "steps").glob("*.py")
    )
    assert len(phrases) == decorators
    assert [p.where for p in phrases if not p.description] == []


def _example(text: str) -> str:
    """A step a person would write from the phrase: the first choice, a value for each slot."""
    text = re.sub(r"\[([^|\]]+) \|[^\]]*\]", r"\1", text)
    text = re.sub(r"(\w+)/\w+", r"\1", text)
    text = re.sub(r"\((\w)\)", "", text)
    return re.sub(r"\{\w+\}", "v", text)


def test_every_listed_phrase_is_understood_by_its_step() -> None:
    for module in step_modules():
        for phrase in module.phrases:
            assert phrase.matches(_example(phrase.text)), phrase


@pytest.mark.parametrize(
    ("pattern", "reads"),
    [
        (
            r'the RAM user "(?P<name>[^"]+)" with the polic(?:y|ies) (?P<policies>.+)',
            'the RAM user "{name}" with the policy/policies {policies}',
        ),
        (
            r"a (?P<os>Linux) instance with the regular users? (?P<users>.+)",
            "a Linux instance with the regular user(s) {users}",
        ),
        (
            r"in (?:the instance\'s region|the region \"(?P<region>[^\"]+)\")",
            'in [the instance\'s region | the region "{region}"]',
        ),
        (
            r'users (?P<users>.+?)(?:, running the container "(?P<name>[^"]+)")?',
            'users {users}[, running the container "{name}"]',
        ),
    ],
)
def test_a_step_regex_reads_as_a_person_writes_it(pattern: str, reads: str) -> None:
    assert render_regex(pattern) == reads


def test_the_command_lists_every_phrase_with_what_it_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["phrases"]) == 0
    out = capsys.readouterr().out
    assert 'When {principal} runs "{script}" on the {os} instance as "{user}"' in out
    assert "One run per user in the refused-users setting" in out
    assert out.splitlines()[0].startswith("steps/accounts.py: ")


def test_the_readme_option_rewrites_only_the_generated_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# before\n\n{START}\nold\n{END}\n\nafter\n")
    assert main(["phrases", "--readme", str(readme)]) == 0
    text = readme.read_text()
    assert text == f"# before\n\n{markdown(step_modules())}\n\nafter\n"
    assert main(["phrases", "--markdown"]) == 0
    assert capsys.readouterr().out == markdown(step_modules()) + "\n"


def test_a_readme_without_the_section_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n")
    assert main(["phrases", "--readme", str(readme)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line == (
        f"python -m harness phrases: `{readme}` has no `{START}` ... `{END}` section to rewrite"
    )
    assert readme.read_text() == "# no markers\n"
