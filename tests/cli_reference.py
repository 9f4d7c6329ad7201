"""The CLI reference page, generated from the ``nemovideo`` command itself.

``python -m tests.cli_reference`` rewrites ``docs/reference/cli.md``;
``tests/test_cli_reference.py`` checks that the page is up to date.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from nemovideo.cli import app

DOC = Path(__file__).parent.parent / "docs" / "reference" / "cli.md"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;")


def _walk(command: Any, ctx: typer.Context) -> Iterator[tuple[Any, typer.Context]]:
    yield command, ctx
    for name in command.list_commands(ctx) if hasattr(command, "commands") else ():
        sub = command.commands[name]
        yield from _walk(sub, typer.Context(sub, info_name=name, parent=ctx))


def _section(command: Any, ctx: typer.Context) -> list[str]:
    path = ctx.command_path
    usage = " ".join([path, *command.collect_usage_pieces(ctx)])
    lines = [f"## `{path}`", "", f"```\n{usage}\n```", ""]
    if command.help:
        lines += [command.help.strip(), ""]
    rows = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, help_text = record
        rows.append(f"| `{names}` | {_cell(help_text)} |")
    if rows:
        lines += ["| Argument or option | What it does |", "|---|---|", *rows, ""]
    if hasattr(command, "commands"):
        subs = [
            f"- [`{path} {name}`](#{(path + ' ' + name).replace(' ', '-')}): "
            f"{_cell(command.commands[name].get_short_help_str(limit=120))}"
            for name in command.list_commands(ctx)
        ]
        lines += ["Commands:", "", *subs, ""]
    return lines


def page() -> str:
    """``docs/reference/cli.md``."""
    root = typer.main.get_command(app)
    lines = [
        "# Command-line reference",
        "",
        "Every command and option of `nemovideo`, generated from the commands themselves",
        "(`python -m tests.cli_reference` rewrites this page). How to use them is in",
        "[the CLI guide](../guides/cli.md).",
        "",
    ]
    for command, ctx in _walk(root, typer.Context(root, info_name="nemovideo")):
        lines += _section(command, ctx)
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    DOC.write_text(page(), encoding="utf-8")
    print(f"wrote {DOC}")
