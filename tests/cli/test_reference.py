from __future__ import annotations

from pathlib import Path

from proscribe.cli.reference import reference

DOCS = Path(__file__).parent.parent.parent / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOCS.read_text() == reference(), "run: python -m proscribe.cli.reference > docs/cli.md"


def test_every_command_has_help() -> None:
    text = reference()
    for block in text.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        assert body.strip().split("\n\n")[1:], f"{title} has no help text"
