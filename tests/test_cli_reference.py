"""The CLI reference page is generated from the commands and kept current."""

from __future__ import annotations

from .cli_reference import DOC, page


def test_the_cli_reference_is_generated_from_the_commands() -> None:
    assert DOC.read_text(encoding="utf-8") == page(), "run: python -m tests.cli_reference"


def test_the_cli_reference_shows_every_command_and_option() -> None:
    text = page()
    for heading in (
        "## `nemovideo doctor`",
        "## `nemovideo auth login`",
        "## `nemovideo session new`",
    ):
        assert heading in text
    assert "`--allow-insecure-http`" in text
    assert "`-o, --output <path>`" in text
