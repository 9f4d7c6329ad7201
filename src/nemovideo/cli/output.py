"""What every command of the CLI shares: its two consoles, one-line errors, --json."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from .. import NemoVideoError

__all__ = ["AsJson", "err", "fail", "json_or", "out", "reported"]

out = Console()
err = Console(stderr=True)


def fail(message: str) -> NoReturn:
    """Print one error line and exit 1."""
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@contextlib.contextmanager
def reported() -> Iterator[None]:
    """Turn the SDK's errors into one clear line and a non-zero exit."""
    try:
        yield
    except (NemoVideoError, FileNotFoundError, IsADirectoryError, ValueError) as exc:
        fail(str(exc) or type(exc).__name__)
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None


def json_or(as_json: bool, value: dict[str, Any], text: str) -> None:
    """Print ``value`` as JSON for scripts, else ``text``."""
    if as_json:
        print(json.dumps(value, indent=2, ensure_ascii=False))
    else:
        out.print(text, highlight=False)


AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
