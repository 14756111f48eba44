"""The documentation: a short README, and every command of the CLI shown with an example in docs/."""
import re

import pytest

from parksum.interfaces.cli import build_parser
from tests.conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _commands() -> list[str]:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(subparsers.choices)


def _examples() -> str:
    """The lines inside ``` blocks of every document."""
    blocks = [re.findall(r"```[a-z]*\n(.*?)```", doc.read_text(encoding="utf-8"), re.S) for doc in DOCS]
    return "\n".join(text for found in blocks for text in found)


def test_the_readme_is_short():
    assert len((ROOT / "README.md").read_text(encoding="utf-8")) <= 6000


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_an_example_in_the_docs(command):
    assert re.search(rf"^(?:\.venv/bin/)?parksum {re.escape(command)}\b", _examples(), re.M), (
        f"no example of `parksum {command}` in a code block of README.md or docs/*.md")


def test_links_between_documents_lead_somewhere():
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#:]+\.md)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / target).is_file(), f"{doc.name} links to missing {target}"
