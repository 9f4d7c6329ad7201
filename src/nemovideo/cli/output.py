"""What every command of the CLI shares: its two streams, one-line errors, --json.

Results go to standard output, progress, notes and errors to standard error, with or
without ``--json``. On a terminal the output is rich (colour, live bars); otherwise
it is plain text: no colour, no wrapping, no trailing spaces.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator, Sequence
from typing import IO, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .. import NemoVideoError
from .hints import error_line

__all__ = ["AsJson", "Stream", "err", "fail", "json_or", "out", "print_json", "reported", "table"]


class Stream:
    """A rich console on standard output or standard error, made for the stream in
    use at print time (a test runner may swap it)."""

    def __init__(self, *, stderr: bool) -> None:
        self.stderr = stderr
        self._console: Console | None = None

    @property
    def file(self) -> IO[str]:
        """The standard stream itself."""
        return sys.stderr if self.stderr else sys.stdout

    @property
    def console(self) -> Console:
        """The console for the stream: rich on a terminal, plain text otherwise."""
        stream = self.file
        if self._console is None or self._console.file is not stream:
            terminal = Console(file=stream).is_terminal
            self._console = (
                Console(file=stream, highlight=False, emoji=False)
                if terminal
                else Console(
                    file=stream,
                    color_system=None,
                    no_color=True,
                    soft_wrap=True,
                    highlight=False,
                    emoji=False,
                )
            )
        return self._console

    @property
    def is_terminal(self) -> bool:
        """Whether the stream is a terminal (rich output) or not (plain lines)."""
        return self.console.is_terminal

    def print(self, text: str = "", *, markup: bool = False, end: str = "\n") -> None:
        """Print ``text`` (rich markup only when asked; never wrapped off a terminal)."""
        if not self.is_terminal:
            text = "\n".join(line.rstrip() for line in text.split("\n"))
            self.console.print(text, end=end, markup=markup)
            return
        self.console.print(text, end=end, markup=markup, soft_wrap=True)


out = Stream(stderr=False)
err = Stream(stderr=True)


def table(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
) -> None:
    """Print a table on standard output: a rich table on a terminal, else aligned
    plain columns with a header line and no trailing spaces."""
    if out.is_terminal:
        shown = Table(title=title)
        for index, header in enumerate(headers):
            shown.add_column(header, justify="right" if index in right else "left")
        for row in rows:
            shown.add_row(*row)
        out.console.print(shown)
        return
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    lines = [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    out.print("\n".join(lines))


def fail(message: str, hint: str | None = None) -> NoReturn:
    """Print one error line (and a hint line, if any) on standard error and exit 1."""
    if err.is_terminal:
        err.print(f"[bold red]error:[/] {escape(message)}", markup=True)
    else:
        err.print(f"error: {message}")
    if hint:
        err.print(f"hint: {hint}")
    raise typer.Exit(1)


@contextlib.contextmanager
def reported(*, emulator_flag: bool = False) -> Iterator[None]:
    """Turn the SDK's errors into one clear line (and a hint) and a non-zero exit."""
    try:
        yield
    except (NemoVideoError, OSError, ValueError) as exc:
        fail(*error_line(exc, emulator_flag=emulator_flag))
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON on standard output."""
    out.file.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    out.file.flush()


def json_or(as_json: bool, value: dict[str, Any], text: str) -> None:
    """Print ``value`` as JSON for scripts, else ``text``."""
    if as_json:
        print_json(value)
    else:
        out.print(text)


AsJson = Annotated[
    bool, typer.Option("--json", help="Print the result as JSON on stdout (progress: stderr).")
]
